import type { ErrorInfo } from '@klog/log-core';

/**
 * Codes that queue mode raises (share partitions, the embedded queue and its manager). They live beside the group
 * codes because they travel the same wire: a broker hosting queues answers them to clients.
 */
export type QueueErrorCode = 'UNKNOWN_QUEUE' | 'LOCK_LOST' | 'INVALID_ACK' | 'QUEUE_CLOSED';

const row = (kafkaCode: number, hint: string): ErrorInfo => ({
  retriable: false, refreshMetadata: false, rejoin: false, kafkaCode, hint,
});

/**
 * The queue codes. Kafka numbers from Kafka's protocol error list: a share group that does not exist is
 * GROUP_ID_NOT_FOUND (69); an acknowledgement the share partition cannot apply is INVALID_RECORD_STATE (121).
 */
export const QUEUE_ERRORS = {
  UNKNOWN_QUEUE: row(69, 'create it first with queues.queue({ name, topics }), or check the name'),
  // Not retriable: the record went back to the queue (or to another consumer); it will be delivered again.
  LOCK_LOST: row(121, 'the lock expired or the consumer left: renew long tasks (msg.renew()) or raise lockMs; the record is delivered again'),
  INVALID_ACK: row(121, 'acknowledge only records this consumer received, once each, with a delay of 0 or more'),
  QUEUE_CLOSED: row(-1, 'the queue was closed or deleted: open it again with queues.queue()'),
} as const satisfies Record<QueueErrorCode, ErrorInfo>;
