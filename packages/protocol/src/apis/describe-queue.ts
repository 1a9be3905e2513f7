import { defineApi } from '../api-definition.js';
import { array, int, object, string } from '../schema.js';
import { queueConfig } from './queue-fields.js';

export const describeQueue = defineApi({
  name: 'describeQueue',
  summary: 'A queue\'s settings, members, and per partition its ready, delayed, in-flight and archived records.',
  minVersion: 0,
  maxVersion: 0,
  request: { queue: string() },
  response: {
    config: queueConfig,
    members: array(object({ memberId: string(), clientHost: string(), idleMs: int() })),
    partitions: array(object({
      topic: string(),
      partition: int(),
      startOffset: int(),
      ready: int(),
      delayed: int(),
      inFlight: int(),
      archived: int(),
      lag: int(),
      oldestReadyAgeMs: int(),
    })),
  },
});
