import { defineApi } from '../api-definition.js';
import { array, int, object, optional, string } from '../schema.js';
import { entryError } from './common.js';

export const compactTopic = defineApi({
  name: 'compactTopic',
  summary: 'Runs one compaction pass now over every partition of each topic named (topics with cleanupPolicy compact or compact,delete), answering when it is done. Each topic gets its own result.',
  minVersion: 0,
  maxVersion: 0,
  request: {
    topics: array(string(), { max: 10_000 }),
  },
  response: {
    topics: array(object({
      name: string(),
      segmentsCleaned: optional(int(), 'segments rewritten by the pass'),
      bytesBefore: optional(int(), 'bytes of the segments the pass read'),
      bytesAfter: optional(int(), 'bytes of those segments after it'),
      ...entryError,
    })),
  },
});
