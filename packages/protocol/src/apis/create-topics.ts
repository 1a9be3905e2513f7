import { defineApi } from '../api-definition.js';
import { array, dictionary, int, object, optional, string } from '../schema.js';
import { entryError } from './common.js';

export const createTopics = defineApi({
  name: 'createTopics',
  summary: 'Creates topics; each gets its own result, so one bad name does not fail the others.',
  minVersion: 0,
  maxVersion: 0,
  request: {
    topics: array(object({
      name: string(),
      partitions: optional(int(), 'default: the broker\'s default partition count'),
      config: optional(dictionary(int()), 'settings by name: retentionMs, retentionBytes, segmentBytes, segmentMs, maxBatchBytes, cleanupPolicy (0 delete, 1 compact, 2 compact,delete), minCompactionLagMs, deleteRetentionMs'),
    }), { max: 10_000 }),
  },
  response: {
    topics: array(object({ name: string(), ...entryError })),
  },
});
