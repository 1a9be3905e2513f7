import { defineApi } from '../api-definition.js';
import { array, int, string } from '../schema.js';
import { topicPartition } from './common.js';

export const syncGroup = defineApi({
  name: 'syncGroup',
  summary: 'The member\'s assignment in a generation (native groups already get it from joinGroup).',
  minVersion: 0,
  maxVersion: 0,
  request: { groupId: string(), memberId: string(), generationId: int() },
  response: {
    generationId: int(),
    protocolType: string(),
    protocolName: string(),
    assignment: array(topicPartition),
  },
});
