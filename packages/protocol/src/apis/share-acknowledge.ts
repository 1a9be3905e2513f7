import { defineApi } from '../api-definition.js';
import { string } from '../schema.js';
import { shareAckOutcome } from './share-ack-outcome.js';
import { shareAcks } from './share-ack-ranges.js';

/** v1: acks as ranges per topic-partition, and only the refused ones answered (as shareFetch v2). */
export const shareAcknowledge = defineApi({
  name: 'shareAcknowledge',
  summary: 'Accepts, releases, rejects or renews records the member holds; each ack gets its own error or none. No acks: a heartbeat.',
  minVersion: 0,
  maxVersion: 1,
  request: {
    queue: string(),
    memberId: string(),
    acks: shareAcks(1),
  },
  response: {
    results: shareAckOutcome(1),
  },
});
