import type { CapacityClient } from './capacity-clients.js';
import type { Message } from './workload.js';

/**
 * The fsync class decides which klog row a peer row is compared with: the same durability promise, so that
 * the ratio compares like with like.
 *   none     — acknowledged once in memory / page cache; the OS (or a slow background timer) writes it out
 *   interval — fsynced on a timer of about one second
 */
export type FsyncClass = 'none' | 'interval';

/** How a producer should trade latency for throughput: batch as much as it likes, or send at once. */
export type ProducerMode = 'throughput' | 'latency';

export interface Producer {
  /** Sends messages; resolves when the producer may be given more (its in-flight window has room). */
  send(messages: Message[]): Promise<void>;
  /** Resolves when every message sent so far has been acknowledged by the system under test. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** How long a consumer's poll long-polls for messages before returning none. */
export const POLL_WAIT_MS = 100;

export interface Consumer {
  /**
   * Values of the next messages (possibly none), waiting up to POLL_WAIT_MS for some to arrive. The target
   * acknowledges or commits them the way its system's consumers normally do.
   */
  poll(): Promise<Buffer[]>;
  close(): Promise<void>;
}

/** A running system under test. */
export interface TargetInstance {
  /** The process that does the storage work: a spawned server's PID, or process.pid for embedded targets. */
  readonly pid: number;
  /** host:port its clients connect to, for clients in other processes (absent for embedded targets). */
  readonly address?: string;
  createTopic(topic: string, partitions: number): Promise<void>;
  producer(topic: string, mode: ProducerMode): Promise<Producer>;
  /** A consumer reading `topic` from its first record. */
  consumer(topic: string, partitions: number): Promise<Consumer>;
  stop(): Promise<void>;
}

/**
 * One system at one setting. Adding a system is one file that exports Targets and one line in registry.ts.
 */
export interface Target {
  system: string;
  setting: string;
  fsyncClass: FsyncClass;
  /** klog targets run at several partition counts and in the scale suite; peers have one stream. */
  isKlog: boolean;
  /** What drives the system in the side-by-side phases: its Node client, or 'in-process' for the embedded store. */
  client: string;
  /** The capacity suite's C client for this target's server (at its address), if it has one. */
  capacity?: CapacityClient;
  /**
   * The producers suite runs on this target: several producer processes (producer-child.ts, klog's client)
   * against its server's address.
   */
  producerProcesses?: boolean;
  /** null when the target can run here, else why not (printed as a skipped row). May install what is missing. */
  unavailable(): Promise<string | null>;
  /** The system's version for the report ('unknown' until unavailable() has located it). */
  version(): string;
  start(): Promise<TargetInstance>;
}
