import { defineApi } from '../api-definition.js';
import { array, int, object, optional, string } from '../schema.js';
import { entryError } from './common.js';

export const deleteRecords = defineApi({
  name: 'deleteRecords',
  summary: 'Trims partitions from the front: each log start offset moves up to the offset given (records below it are no longer read), and whole segments below it are deleted. Each partition gets its own result.',
  minVersion: 0,
  maxVersion: 0,
  request: {
    partitions: array(object({
      topic: string(),
      partition: int({ min: 0 }),
      beforeOffset: int({ min: 0 }),
    }), { max: 100_000 }),
  },
  response: {
    partitions: array(object({
      topic: string(),
      partition: int(),
      logStartOffset: optional(int(), 'the partition\'s log start offset after the change'),
      ...entryError,
    })),
  },
});
