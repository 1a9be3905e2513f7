import { defineApi } from '../api-definition.js';
import { array, int, nullable, object, string } from '../schema.js';
import { subscription, topicPartition } from './common.js';

export const describeGroup = defineApi({
  name: 'describeGroup',
  summary: 'A group\'s state, members and their partitions, and committed offset, end offset and lag per partition.',
  minVersion: 0,
  maxVersion: 0,
  request: { groupId: string() },
  response: {
    groupId: string(),
    state: string(),
    generationId: int(),
    protocolType: string(),
    protocolName: nullable(string()),
    leaderId: nullable(string()),
    members: array(object({
      memberId: string(),
      clientId: string(),
      clientHost: string(),
      sessionTimeoutMs: int(),
      rebalanceTimeoutMs: int(),
      subscription: nullable(subscription),
      assignment: nullable(array(topicPartition)),
    })),
    partitions: array(object({
      topic: string(),
      partition: int(),
      memberId: nullable(string()),
      committedOffset: nullable(int()),
      logStartOffset: nullable(int()),
      logEndOffset: nullable(int()),
      lag: nullable(int()),
    })),
  },
});
