import { defineApi } from '../api-definition.js';
import { EARLIEST_TIMESTAMP } from '../constants.js';
import { array, int, object, optional, string } from '../schema.js';
import { entryError } from './common.js';

export const listOffsets = defineApi({
  name: 'listOffsets',
  summary: 'Offsets by time: the log start (-2), the log end (-1), or the first offset whose record timestamp is at or after a time.',
  minVersion: 0,
  maxVersion: 0,
  request: {
    topics: array(object({
      topic: string(),
      partitions: array(object({
        partition: int(),
        timestamp: optional(int({ min: EARLIEST_TIMESTAMP }), 'ms since the epoch, -1 latest (the default) or -2 earliest'),
      })),
    })),
  },
  response: {
    topics: array(object({
      topic: string(),
      partitions: array(object({ partition: int(), offset: optional(int(), 'absent when errorCode is set'), ...entryError })),
    })),
  },
});
