import { defineApi } from '../api-definition.js';
import { array, int, object, optional, string } from '../schema.js';
import { entryError } from './common.js';

export const createPartitions = defineApi({
  name: 'createPartitions',
  summary: 'Grows topics to a larger partition count (never fewer). The new partitions start empty; keyed records map by the new count from then on. Each topic gets its own result.',
  minVersion: 0,
  maxVersion: 0,
  request: {
    topics: array(object({
      name: string(),
      count: int({ min: 1 }),
    }), { max: 10_000 }),
  },
  response: {
    topics: array(object({
      name: string(),
      partitions: optional(int(), 'the partition count after the change'),
      ...entryError,
    })),
  },
});
