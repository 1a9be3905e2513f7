import type { Header } from '@klog/log-core';
import type { AckType } from './share-partition.js';
import type { Delivery } from './queue-engine.js';

/** Sends one acknowledgement of this message's delivery; rejects with the typed error when it is refused. */
export type Settle = (type: AckType, opts: { delayMs?: number; reason?: string }) => Promise<void>;

/**
 * One delivery of one record. Acknowledge it once with accept, release or reject; renew keeps the lock while
 * the work takes longer than the queue's lockMs. Its id (topic/partition/offset) is the same on every delivery
 * of the record: delivery is at least once, so use the id to make the work idempotent.
 */
export class QueueMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Header[];
  readonly timestamp: number;
  /** 1 on the first delivery. */
  readonly deliveryCount: number;
  /** When the lock ran out as of the delivery (a renew moves it on). */
  readonly lockUntil: number;
  private final = false;

  constructor(delivery: Delivery, private readonly send: Settle) {
    this.topic = delivery.topic;
    this.partition = delivery.partition;
    this.offset = delivery.record.offset;
    this.key = delivery.record.key;
    this.value = delivery.record.value;
    this.headers = delivery.record.headers;
    this.timestamp = delivery.record.timestamp;
    this.deliveryCount = delivery.deliveryCount;
    this.lockUntil = delivery.lockUntil;
  }

  get id(): string {
    return `${this.topic}/${this.partition}/${this.offset}`;
  }

  /** Whether accept, release or reject was called (whatever it answered). */
  get settled(): boolean {
    return this.final;
  }

  /** Done: never delivered again. */
  accept(): Promise<void> {
    return this.finish('accept', {});
  }

  /** Not done: deliver again, after `delayMs` (default: the queue's backoff), or archive it at the delivery limit. */
  release(opts: { delayMs?: number; reason?: string } = {}): Promise<void> {
    return this.finish('release', opts);
  }

  /** Cannot be done: archive it (and write its dead letter, if the queue has a dead-letter topic). */
  reject(reason?: string): Promise<void> {
    return this.finish('reject', { reason });
  }

  /** Keep the lock for another lockMs. */
  renew(): Promise<void> {
    return this.send('renew', {});
  }

  private finish(type: AckType, opts: { delayMs?: number; reason?: string }): Promise<void> {
    this.final = true;
    return this.send(type, opts);
  }
}
