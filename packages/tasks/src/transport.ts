/**
 * What the tasks layer needs from klog, as a narrow port with two implementations: over a broker (@klog/client)
 * and over an in-process LogStore (@klog/queue's QueueManager). Everything above this file is the same in both.
 */

/** The topics one tasks app uses; derived from its name (see topicsFor). */
export interface TaskTopics {
  /** The queue and its topic: every task invocation is one record here. */
  queue: string;
  /** Compacted, key = task id: each task's latest state and result. */
  results: string;
  /** Claims of periodic ticks: the first claim of a tick id runs it. */
  claims: string;
  /**
   * One small notice per revoke (key = task id), appended after its REVOKED state: what a worker follows instead
   * of the whole results topic to learn of revokes.
   */
  revokes: string;
  /** Dead letters of tasks whose last attempt failed. */
  deadLetters: string;
}

export function topicsFor(app: string): TaskTopics {
  return { queue: app, results: `${app}.results`, claims: `${app}.claims`, revokes: `${app}.revokes`, deadLetters: `dlq.${app}` };
}

export interface TransportSetup {
  topics: TaskTopics;
  partitions: number;
  lockMs: number;
  /** Retention of the results and revokes topics (compact,delete): a status not updated for this long is deleted. */
  resultTtlMs: number;
  claimsRetentionMs: number;
}

/**
 * The queue's settings. Retries are the tasks layer's (each task has its own count), so the queue's delivery
 * limit is only a backstop, set high; the queue starts at the earliest record, so tasks enqueued before the first
 * worker ran are done.
 */
export function queueOptionsFor(s: TransportSetup): { name: string; topics: string[]; start: 'earliest'; lockMs: number; maxDeliveries: number; deadLetterTopic: string } {
  return { name: s.topics.queue, topics: [s.topics.queue], start: 'earliest', lockMs: s.lockMs, maxDeliveries: 1_000, deadLetterTopic: s.topics.deadLetters };
}

export interface OutgoingRecord {
  key: string;
  value: Buffer;
  headers?: { key: string; value: Buffer }[];
}

export interface TailedRecord {
  key: string | null;
  value: Buffer | null;
  offset: number;
}

/** One delivery of a task record from the queue; acknowledgements as in queue mode. */
export interface TaskDelivery {
  /** topic/partition/offset: the same on every delivery of this record. */
  readonly id: string;
  readonly value: Buffer | null;
  /** 1 on the first delivery; crashes and releases both count. */
  readonly deliveryCount: number;
  readonly settled: boolean;
  accept(): Promise<void>;
  /**
   * Accepts once `ready` (the outcome's write) resolves, releases if it rejects; the handler may return at once,
   * and its slot takes the next task while the write travels (the consumer still waits for this ack on close).
   */
  acceptAfter(ready: Promise<unknown>): Promise<void>;
  release(opts?: { delayMs?: number; reason?: string }): Promise<void>;
  reject(reason?: string): Promise<void>;
}

export interface TaskConsumer {
  /** Stops taking work, waits for running handlers, releases what is still locked. */
  close(): Promise<void>;
  /** Settles when the consumer stops (after close, or on a fatal error). */
  readonly done: Promise<void>;
}

export interface TaskTransport {
  /** Creates the topics when they do not exist yet. Idempotent. */
  setUp(setup: TransportSetup): Promise<void>;
  /**
   * Creates the queue, or gives it these settings (lockMs): only workers call it, so that reading a status or
   * enqueueing from a process with other settings never changes the queue under the workers.
   */
  setUpQueue(setup: TransportSetup): Promise<void>;
  append(topic: string, records: OutgoingRecord[]): Promise<{ partition: number; offset: number }[]>;
  /** The offset after the last record of a partition, now. */
  endOffset(topic: string, partition: number): Promise<number>;
  /** The offset of the first record a partition still holds (retention moves it on), now. */
  startOffset(topic: string, partition: number): Promise<number>;
  /**
   * Calls onRecords with every record of the partition from its start, then with new ones, until signal aborts.
   * When onRecords returns a promise, the next read waits for it (how a paced reader spaces its reads).
   */
  tail(topic: string, partition: number, onRecords: (records: TailedRecord[], nextOffset: number) => void | Promise<void>, signal: AbortSignal): Promise<void>;
  /**
   * Runs `concurrency` handlers over the queue; each holds one delivery at a time, whose lock the queue renews
   * while its handler runs. A handler may settle its delivery itself; one that returns without settling has it
   * accepted (the handler's slot is free again once the ack is sent, not answered); one that throws has it released.
   */
  consume(opts: { concurrency: number; eachDelivery: (d: TaskDelivery) => Promise<void> }): TaskConsumer;
  close(): Promise<void>;
}

/** What both kinds of queue message (embedded and over the wire) offer: the shared queue acknowledgements. */
export interface QueueDeliveryLike {
  readonly id: string;
  readonly deliveryCount: number;
  readonly settled: boolean;
  accept(): Promise<void>;
  acceptAfter(ready: Promise<unknown>): Promise<void>;
  release(opts?: { delayMs?: number; reason?: string }): Promise<void>;
  reject(reason?: string): Promise<void>;
}

/** A queue message seen as a task delivery; `value` is its bytes (the two messages type their values apart). */
export function asDelivery(m: QueueDeliveryLike, value: Buffer | null): TaskDelivery {
  return new QueueDelivery(m, value);
}

/** A class rather than an object literal of closures: one object per delivery, its methods shared. */
class QueueDelivery implements TaskDelivery {
  constructor(private readonly m: QueueDeliveryLike, readonly value: Buffer | null) {}

  get id(): string {
    return this.m.id;
  }

  get deliveryCount(): number {
    return this.m.deliveryCount;
  }

  get settled(): boolean {
    return this.m.settled;
  }

  accept(): Promise<void> {
    return this.m.accept();
  }

  acceptAfter(ready: Promise<unknown>): Promise<void> {
    return this.m.acceptAfter(ready);
  }

  release(opts?: { delayMs?: number; reason?: string }): Promise<void> {
    return this.m.release(opts);
  }

  reject(reason?: string): Promise<void> {
    return this.m.reject(reason);
  }
}
