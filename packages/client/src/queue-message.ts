import { QueueAcknowledgements, type QueueAckOptions, type QueueAckType, type ResponseOf } from '@klog/protocol';
import type { ConsumedMessage, MessageHeader } from './consumer.js';
import { fromBytes, type Deserializer } from './serializers.js';

export type WireDelivery = ResponseOf<'shareFetch'>['records'][number];

/** Sends one acknowledgement of a delivery; rejects with the broker's typed error (LOCK_LOST, INVALID_ACK, …). */
export type SendAck = (message: QueueMessage, type: QueueAckType, opts: QueueAckOptions) => Promise<void>;
export type { QueueAckType };

/** One delivery of one record from a broker's queue: a ConsumedMessage plus its delivery count and lock. */
export class QueueMessage extends QueueAcknowledgements implements ConsumedMessage {
  readonly key: unknown;
  readonly value: unknown;
  readonly timestamp: number;
  readonly headers: Record<string, Buffer | null>;
  readonly headerList: MessageHeader[];
  /** 1 on the first delivery. */
  readonly deliveryCount: number;
  /** When the lock runs out (broker clock, epoch ms) as of the delivery; renew moves it on. */
  readonly lockUntil: number;

  constructor(d: WireDelivery, deserializers: { key?: Deserializer; value?: Deserializer }, private readonly send: SendAck) {
    super(d.topic, d.partition, d.offset);
    this.key = fromBytes(d.key, deserializers.key);
    this.value = fromBytes(d.value, deserializers.value);
    this.timestamp = d.timestamp;
    this.headerList = d.headers;
    this.headers = {};
    for (const h of d.headers) this.headers[h.key] = h.value;
    this.deliveryCount = d.deliveryCount;
    this.lockUntil = d.lockUntil;
  }

  protected acknowledge(type: QueueAckType, opts: QueueAckOptions): Promise<void> {
    return this.send(this, type, opts);
  }
}
