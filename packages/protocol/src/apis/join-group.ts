import { defineApi } from '../api-definition.js';
import { array, int, optional, string } from '../schema.js';
import { subscription, topicPartition } from './common.js';

export const joinGroup = defineApi({
  name: 'joinGroup',
  summary: 'Joins a consumer group and waits (up to the rebalance timeout) for the generation to form; answers with the partitions assigned.',
  minVersion: 0,
  maxVersion: 0,
  request: {
    groupId: string(),
    memberId: optional(string(), 'left out on the first join; the coordinator gives one'),
    clientId: optional(string()),
    sessionTimeoutMs: optional(int()),
    rebalanceTimeoutMs: optional(int()),
    subscription,
    assignors: optional(array(string()), 'assignor names in order of preference'),
  },
  response: {
    groupId: string(),
    memberId: string(),
    generationId: int(),
    leaderId: string(),
    protocolType: string(),
    protocolName: string(),
    assignment: array(topicPartition),
  },
});
