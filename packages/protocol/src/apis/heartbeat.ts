import { defineApi } from '../api-definition.js';
import { int, string } from '../schema.js';

export const heartbeat = defineApi({
  name: 'heartbeat',
  summary: 'Keeps a member alive; an error (e.g. REBALANCE_IN_PROGRESS) tells it to join again.',
  minVersion: 0,
  maxVersion: 0,
  request: { groupId: string(), memberId: string(), generationId: int() },
  response: {},
});
