import { array, boolean, bytes, int, nullable, object, oneOf, string } from '../schema.js';

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
