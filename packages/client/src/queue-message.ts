import type { ResponseOf } from '@klog/protocol';
import type { ConsumedMessage, MessageHeader } from './consumer.js';
import { fromBytes, type Deserializer } from './serializers.js';

export type QueueAckType = 'accept' | 'release' | 'reject' | 'renew';
export type WireDelivery = ResponseOf<'shareFetch'>['records'][number];

/** Sends one acknowledgement of a delivery; rejects with the broker's typed error (LOCK_LOST, INVALID_ACK, …). */
export type SendAck = (message: QueueMessage, type: QueueAckType, opts: { delayMs?: number; reason?: string }) => Promise<void>;

/**
 * One delivery of one record from a queue: a ConsumedMessage plus its delivery count and lock, and the
 * acknowledgements. Acknowledge it once with accept, release or reject; renew keeps the lock while the work runs
 * longer than the queue's lockMs. `id` (topic/partition/offset) is the same on every delivery of the record:
 * delivery is at least once, so use it to make the work idempotent.
 */
export class QueueMessage implements ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: unknown;
  readonly value: unknown;
  readonly timestamp: number;
  readonly headers: Record<string, Buffer | null>;
  readonly headerList: MessageHeader[];
  /** 1 on the first delivery. */
  readonly deliveryCount: number;
  /** When the lock runs out (broker clock, epoch ms) as of the delivery; renew moves it on. */
  readonly lockUntil: number;
  private final = false;

  constructor(d: WireDelivery, deserializers: { key?: Deserializer; value?: Deserializer }, private readonly send: SendAck) {
    this.topic = d.topic;
    this.partition = d.partition;
    this.offset = d.offset;
    this.key = fromBytes(d.key, deserializers.key);
    this.value = fromBytes(d.value, deserializers.value);
    this.timestamp = d.timestamp;
    this.headerList = d.headers;
    this.headers = {};
    for (const h of d.headers) this.headers[h.key] = h.value;
    this.deliveryCount = d.deliveryCount;
    this.lockUntil = d.lockUntil;
  }

  get id(): string {
    return `${this.topic}/${this.partition}/${this.offset}`;
  }

  /** Whether accept, release or reject was called (whatever the broker answered). */
  get settled(): boolean {
    return this.final;
  }

  /** Done: never delivered again. */
  accept(): Promise<void> {
    return this.finish('accept', {});
  }

  /** Not done: deliver again after `delayMs` (default: the queue's backoff), or archive it at the delivery limit. */
  release(opts: { delayMs?: number; reason?: string } = {}): Promise<void> {
    return this.finish('release', opts);
  }

  /** Cannot be done: archive it (and write its dead letter, if the queue has a dead-letter topic). */
  reject(reason?: string): Promise<void> {
    return this.finish('reject', reason === undefined ? {} : { reason });
  }

  /** Keep the lock for another lockMs from now. */
  renew(): Promise<void> {
    return this.send(this, 'renew', {});
  }

  private finish(type: QueueAckType, opts: { delayMs?: number; reason?: string }): Promise<void> {
    this.final = true;
    return this.send(this, type, opts);
  }
}
