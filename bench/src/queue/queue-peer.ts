import type { Target, TargetInstance } from '../target.js';

/**
 * A system measured as a work queue: its server comes from a side-by-side Target (which also pre-fills the
 * queue through its producer); this adds what a queue needs on top: creating one, and workers that take
 * records from it and acknowledge them one by one.
 */
export interface QueuePeer {
  readonly target: Target;
  /**
   * The rows' setting, when it is not the target's: two peers on one target (klog at its defaults, and klog holding
   * no more than the others) are told apart by it.
   */
  readonly setting?: string;
  /** What a worker holds at most, as the table says it, when that is not just `concurrency`. */
  holds?(concurrency: number): string;
  /** Creates queue `name` (and the topic or stream behind it, also called `name`) before records are produced. */
  createQueue(instance: TargetInstance, name: string, settings: QueueSettings): Promise<void>;
  /** One worker: its own connection, connected and ready when this resolves; it takes nothing until start(). */
  worker(address: string, queue: string, options: WorkerOptions): Promise<QueueWorker>;
  /**
   * Whether a record held by a worker comes back to another worker on its own after the holder is killed
   * (kill -9) or hangs (SIGSTOP): null when it does, else why the suite skips that case.
   */
  readonly redelivers: Record<HolderFate, string | null>;
}

export interface QueueSettings {
  /** How long a delivered record stays locked to its worker (RabbitMQ has no such lock and ignores it). */
  lockMs: number;
}

export interface WorkerOptions {
  /** Records this worker holds unacknowledged at once: handlers, prefetch, or read count. */
  concurrency: number;
  /** A name unique among the queue's workers (Redis names each consumer of its group). */
  name: string;
  /** Hold every record received, never acknowledging it (the redelivery measurement's victim). */
  hold: boolean;
  onDelivered(): void;
  onAccepted(): void;
}

export interface QueueWorker {
  start(): void;
  /** Stops taking records and closes the connection; records still held go back to the queue. */
  close(): Promise<void>;
}

/** How a worker holding a record is made to fail. */
export type HolderFate = 'kill' | 'stop';

/** The setting a peer's rows and worker processes go by. */
export function peerSetting(peer: QueuePeer): string {
  return peer.setting ?? peer.target.setting;
}

/** The instance's client address; every target the queue suite uses is a server with one. */
export function requireAddress(address: string | undefined): string {
  if (address === undefined) throw new Error('the target has no network address');
  return address;
}
