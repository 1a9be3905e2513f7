import { array, boolean, bytes, int, nullable, object, oneOf, optional, string } from '../schema.js';
import { entryError } from './common.js';

/**
 * Pieces the queue APIs share. A queue's settings travel in full in answers (defaults filled in) so that a
 * client shows what the broker actually uses.
 */
export const backoffSettings = object({ baseMs: int({ min: 0 }), maxMs: int({ min: 0 }) });

export const queueConfig = object({
  name: string(),
  topics: array(string()),
  priority: boolean(),
  lockMs: int(),
  maxDeliveries: int(),
  maxRecordLocks: int(),
  maxWindowRecords: int(),
  deadLetterTopic: nullable(string()),
  backoff: backoffSettings,
  start: oneOf('earliest', 'latest'),
});

export const recordHeader = object({ key: string(), value: nullable(bytes()) });

/** One acknowledgement, as shareAcknowledge carries them and (v1 on) shareFetch too. */
export const shareAck = object({
  topic: string(),
  partition: int(),
  offset: int(),
  type: oneOf('accept', 'release', 'reject', 'renew'),
  deliveryCount: optional(int(), 'the delivery being acknowledged: an ack from an older delivery gets LOCK_LOST'),
  delayMs: optional(int(), 'release only: available again no sooner than this; default the queue\'s backoff'),
  reason: optional(string(), 'release and reject: kept for the dead letter'),
});

/** The answer to one acknowledgement, at the index of the ack it answers. */
export const shareAckResult = object({ topic: string(), partition: int(), offset: int(), ...entryError });
