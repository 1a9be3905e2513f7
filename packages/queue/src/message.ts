import type { Header } from '@klog/log-core';
import { QueueAcknowledgements, type QueueAckOptions, type QueueAckType } from '@klog/protocol';
import type { Delivery } from './queue-engine.js';

/** Sends one acknowledgement of this message's delivery; rejects with the typed error when it is refused. */
export type Settle = (type: QueueAckType, opts: QueueAckOptions) => Promise<void>;

/** One delivery of one record from an embedded queue; the acknowledgements are the shared ones. */
export class QueueMessage extends QueueAcknowledgements {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Header[];
  readonly timestamp: number;
  /** 1 on the first delivery. */
  readonly deliveryCount: number;
  /** When the lock ran out as of the delivery (a renew moves it on). */
  readonly lockUntil: number;

  constructor(delivery: Delivery, private readonly send: Settle) {
    super(delivery.topic, delivery.partition, delivery.record.offset);
    this.key = delivery.record.key;
    this.value = delivery.record.value;
    this.headers = delivery.record.headers;
    this.timestamp = delivery.record.timestamp;
    this.deliveryCount = delivery.deliveryCount;
    this.lockUntil = delivery.lockUntil;
  }

  protected acknowledge(type: QueueAckType, opts: QueueAckOptions): Promise<void> {
    return this.send(type, opts);
  }
}
