import { defineApi } from '../api-definition.js';
import { int, optional, since, string } from '../schema.js';
import { shareAckOutcome } from './share-ack-outcome.js';
import { shareAcks } from './share-ack-ranges.js';
import { shareRecords } from './share-records.js';

export const SHARE_FETCH_DEFAULTS = { maxRecords: 1, maxWaitMs: 5_000 } as const;

/**
 * Records travel as decoded fields, not as stored batches: each one carries its own delivery count and lock, and
 * a queue hands out single records of a partition, not ranges.
 *
 * v1: the request may carry the member's acknowledgements (as shareAcknowledge does), so that a worker needs one
 * round trip per batch instead of two. They are applied (durably) before records are locked, and a request that
 * carries any does not wait for records: its acks' answers must not wait behind a long-poll.
 *
 * v2: the same exchange in fewer bytes and far fewer msgpack maps: acks as ranges per topic-partition, only the
 * refused acks answered, and records grouped per topic-partition and lock deadline, a flat list of values each.
 */
export const shareFetch = defineApi({
  name: 'shareFetch',
  summary: 'Locks up to maxRecords records of a queue to the member and returns them; waits up to maxWaitMs while there are none.',
  minVersion: 0,
  maxVersion: 2,
  request: {
    queue: string(),
    memberId: string(),
    maxRecords: optional(int({ min: 1, max: 10_000 }), 'default 1'),
    maxWaitMs: optional(int({ min: 0, max: 600_000 }), 'default 5000; 0 when acks are given'),
    acks: since(1, optional(shareAcks(2), 'applied first, in order; answered in ackResults')),
  },
  response: {
    records: shareRecords(2),
    ackResults: since(1, shareAckOutcome(2)),
  },
});
