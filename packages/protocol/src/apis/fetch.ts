import { defineApi } from '../api-definition.js';
import { array, bytes, int, object, optional, string } from '../schema.js';
import { entryError } from './common.js';

/** What the broker assumes for fetch fields left out. */
export const FETCH_DEFAULTS = { maxWaitMs: 500, minBytes: 1, maxBytes: 50 * 1024 * 1024, partitionMaxBytes: 1024 * 1024 } as const;
export const FETCH_MAX_WAIT_MS = 60_000;

export const fetch = defineApi({
  name: 'fetch',
  summary: 'Reads stored batches, byte for byte, from each partition\'s offset; waits up to maxWaitMs while fewer than minBytes are there.',
  minVersion: 0,
  maxVersion: 0,
  request: {
    maxWaitMs: optional(int({ min: 0, max: FETCH_MAX_WAIT_MS }), `default ${FETCH_DEFAULTS.maxWaitMs}`),
    minBytes: optional(int({ min: 0 }), `default ${FETCH_DEFAULTS.minBytes}`),
    maxBytes: optional(int({ min: 1 }), `default ${FETCH_DEFAULTS.maxBytes}; the first batch is always sent, even if larger`),
    topics: array(object({
      topic: string(),
      partitions: array(object({
        partition: int({ min: 0 }),
        offset: int({ min: 0 }),
        maxBytes: optional(int({ min: 1 }), `default ${FETCH_DEFAULTS.partitionMaxBytes}`),
      })),
    })),
  },
  response: {
    topics: array(object({
      topic: string(),
      partitions: array(object({
        partition: int(),
        records: bytes(),
        highWatermark: optional(int(), 'the partition\'s log end offset'),
        logStartOffset: optional(int()),
        ...entryError,
      })),
    })),
  },
});
