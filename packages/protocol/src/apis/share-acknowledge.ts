import { defineApi } from '../api-definition.js';
import { array, string } from '../schema.js';
import { shareAck, shareAckResult } from './queue-fields.js';

export const shareAcknowledge = defineApi({
  name: 'shareAcknowledge',
  summary: 'Accepts, releases, rejects or renews records the member holds; each ack gets its own error or none. No acks: a heartbeat.',
  minVersion: 0,
  maxVersion: 0,
  request: {
    queue: string(),
    memberId: string(),
    acks: array(shareAck),
  },
  response: {
    results: array(shareAckResult),
  },
});
