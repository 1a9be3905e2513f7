import { defineApi } from '../api-definition.js';
import { array, bytes, int, nullable, object, optional, since, string } from '../schema.js';
import { recordHeader, shareAck, shareAckResult } from './queue-fields.js';

export const SHARE_FETCH_DEFAULTS = { maxRecords: 1, maxWaitMs: 5_000 } as const;

/**
 * Records travel as decoded fields, not as stored batches: each one carries its own delivery count and lock, and
 * a queue hands out single records of a partition, not ranges.
 *
 * v1: the request may carry the member's acknowledgements (as shareAcknowledge does), so that a worker needs one
 * round trip per batch instead of two. They are applied (durably) before records are locked, and a request that
 * carries any does not wait for records: its acks' answers must not wait behind a long-poll.
 */
export const shareFetch = defineApi({
  name: 'shareFetch',
  summary: 'Locks up to maxRecords records of a queue to the member and returns them; waits up to maxWaitMs while there are none.',
  minVersion: 0,
  maxVersion: 1,
  request: {
    queue: string(),
    memberId: string(),
    maxRecords: optional(int({ min: 1, max: 10_000 }), 'default 1'),
    maxWaitMs: optional(int({ min: 0, max: 600_000 }), 'default 5000; 0 when acks are given'),
    acks: since(1, optional(array(shareAck), 'applied first, each answered in ackResults at its index')),
  },
  response: {
    records: array(object({
      topic: string(),
      partition: int(),
      offset: int(),
      key: nullable(bytes()),
      value: nullable(bytes()),
      headers: array(recordHeader),
      timestamp: int(),
      deliveryCount: int(),
      lockUntil: int(),
    })),
    ackResults: since(1, array(shareAckResult)),
  },
});
