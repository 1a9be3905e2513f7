import { defineApi } from '../api-definition.js';
import { array, bytes, int, nullable, object, optional, string } from '../schema.js';
import { recordHeader } from './queue-fields.js';

export const SHARE_FETCH_DEFAULTS = { maxRecords: 1, maxWaitMs: 5_000 } as const;

/**
 * Records travel as decoded fields, not as stored batches: each one carries its own delivery count and lock, and
 * a queue hands out single records of a partition, not ranges.
 */
export const shareFetch = defineApi({
  name: 'shareFetch',
  summary: 'Locks up to maxRecords records of a queue to the member and returns them; waits up to maxWaitMs while there are none.',
  minVersion: 0,
  maxVersion: 0,
  request: {
    queue: string(),
    memberId: string(),
    maxRecords: optional(int({ min: 1, max: 10_000 }), 'default 1'),
    maxWaitMs: optional(int({ min: 0, max: 600_000 }), 'default 5000'),
  },
  response: {
    records: array(object({
      topic: string(),
      partition: int(),
      offset: int(),
      key: nullable(bytes()),
      value: nullable(bytes()),
      headers: array(recordHeader),
      timestamp: int(),
      deliveryCount: int(),
      lockUntil: int(),
    })),
  },
});
