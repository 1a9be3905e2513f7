import { defineApi } from '../api-definition.js';
import { array, int, object, oneOf, optional, string } from '../schema.js';
import { entryError } from './common.js';

export const shareAcknowledge = defineApi({
  name: 'shareAcknowledge',
  summary: 'Accepts, releases, rejects or renews records the member holds; each ack gets its own error or none. No acks: a heartbeat.',
  minVersion: 0,
  maxVersion: 0,
  request: {
    queue: string(),
    memberId: string(),
    acks: array(object({
      topic: string(),
      partition: int(),
      offset: int(),
      type: oneOf('accept', 'release', 'reject', 'renew'),
      deliveryCount: optional(int(), 'the delivery being acknowledged: an ack from an older delivery gets LOCK_LOST'),
      delayMs: optional(int(), 'release only: available again no sooner than this; default the queue\'s backoff'),
      reason: optional(string(), 'release and reject: kept for the dead letter'),
    })),
  },
  response: {
    results: array(object({ topic: string(), partition: int(), offset: int(), ...entryError })),
  },
});
