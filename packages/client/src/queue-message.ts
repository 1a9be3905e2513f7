import { QueueAcknowledgements, SHARE_RECORD, shareRecordHeaders, type QueueAckOptions, type QueueAckType, type ShareRecordGroup } from '@klog/protocol';
import type { ConsumedMessage, MessageHeader } from './consumer.js';
import { fromBytes, type Deserializer } from './serializers.js';

/** Sends one acknowledgement of a delivery; rejects with the broker's typed error (LOCK_LOST, INVALID_ACK, …). */
export type SendAck = (message: QueueMessage, type: QueueAckType, opts: QueueAckOptions) => Promise<void>;
export type { QueueAckType };

/**
 * The fetch a message came in, as its Queue counts them (records fetched before a failed request may no longer be
 * locked to the member). A symbol, not a field: it is the Queue's business, not the message's API; and a property
 * rather than a WeakMap entry per message, which costs about 0.3 µs of CPU and GC work each.
 */
export const FETCH_EPOCH = Symbol('klog.queueFetchEpoch');

/** One delivery of one record from a broker's queue: a ConsumedMessage plus its delivery count and lock. */
export class QueueMessage extends QueueAcknowledgements implements ConsumedMessage {
  readonly key: unknown;
  readonly value: unknown;
  readonly timestamp: number;
  /** 1 on the first delivery. */
  readonly deliveryCount: number;
  /** When the lock runs out (broker clock, epoch ms) as of the delivery; renew moves it on. */
  readonly lockUntil: number;
  /** The headers as they came ([key, value, …], or null for none): most records have none, so the lists are made on demand. */
  private readonly rawHeaders: unknown;
  private list: MessageHeader[] | undefined;
  private byKey: Record<string, Buffer | null> | undefined;
  [FETCH_EPOCH] = 0;

  /** The record at `index` (counted in records) of a shareFetch answer's group, read straight from the group's values. */
  constructor(group: ShareRecordGroup, index: number, deserializers: { key?: Deserializer; value?: Deserializer }, private readonly send: SendAck) {
    const at = index * SHARE_RECORD.stride;
    const r = group.records;
    super(group.topic, group.partition, r[at + SHARE_RECORD.offset] as number);
    this.key = fromBytes(r[at + SHARE_RECORD.key] as Buffer | null, deserializers.key);
    this.value = fromBytes(r[at + SHARE_RECORD.value] as Buffer | null, deserializers.value);
    this.timestamp = r[at + SHARE_RECORD.timestamp] as number;
    this.deliveryCount = r[at + SHARE_RECORD.deliveryCount] as number;
    this.rawHeaders = r[at + SHARE_RECORD.headers];
    this.lockUntil = group.lockUntil;
  }

  get headerList(): MessageHeader[] {
    this.list ??= shareRecordHeaders(this.rawHeaders);
    return this.list;
  }

  get headers(): Record<string, Buffer | null> {
    if (this.byKey === undefined) {
      this.byKey = {};
      for (const h of this.headerList) this.byKey[h.key] = h.value;
    }
    return this.byKey;
  }

  protected acknowledge(type: QueueAckType, opts: QueueAckOptions): Promise<void> {
    return this.send(this, type, opts);
  }
}
