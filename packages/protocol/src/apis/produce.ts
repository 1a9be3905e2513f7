import { defineApi } from '../api-definition.js';
import { array, bytes, int, object, oneOf, optional, string } from '../schema.js';
import { entryError } from './common.js';

export const produce = defineApi({
  name: 'produce',
  summary: 'Appends record batches (as encoded by log-core, byte for byte). With acks 0 the broker sends no answer at all.',
  minVersion: 0,
  maxVersion: 0,
  request: {
    acks: optional(oneOf(0, 1, -1), 'default 1: answer once written; -1 (all): once flushed to disk; 0: no answer'),
    topics: array(object({
      topic: string(),
      partitions: array(object({ partition: int(), batch: bytes() })),
    })),
  },
  response: {
    topics: array(object({
      topic: string(),
      partitions: array(object({
        partition: int(),
        baseOffset: optional(int(), 'offset given to the first record; absent when errorCode is set'),
        lastOffset: optional(int(), 'offset given to the last record'),
        ...entryError,
      })),
    })),
  },
});
