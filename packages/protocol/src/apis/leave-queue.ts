import { defineApi } from '../api-definition.js';
import { string } from '../schema.js';

export const leaveQueue = defineApi({
  name: 'leaveQueue',
  summary: 'The member leaves the queue: every record it holds is available again at once.',
  minVersion: 0,
  maxVersion: 0,
  request: { queue: string(), memberId: string() },
  response: {},
});
