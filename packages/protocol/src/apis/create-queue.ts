import { defineApi } from '../api-definition.js';
import { array, int, object, oneOf, optional, string } from '../schema.js';
import { queueConfig } from './queue-fields.js';

export const createQueue = defineApi({
  name: 'createQueue',
  summary: 'Creates a queue over topics, or changes the settings of an existing one (its topics cannot change); answers its settings.',
  minVersion: 0,
  maxVersion: 0,
  request: {
    name: string(),
    topics: array(string()),
    lockMs: optional(int({ min: 1, max: 3_600_000 }), 'default 30000'),
    maxDeliveries: optional(int({ min: 1, max: 1_000 }), 'default 5'),
    maxRecordLocks: optional(int({ min: 1 }), 'default 2000'),
    deadLetterTopic: optional(string(), 'none when left out; created with 1 partition if missing'),
    backoff: optional(object({ baseMs: optional(int({ min: 0 })), maxMs: optional(int({ min: 0 })) }), 'default baseMs 0 (none), maxMs 60000'),
    start: optional(oneOf('earliest', 'latest'), 'default "latest"; only read when the queue is created'),
    priority: optional(array(string()), 'drain the topics in this order'),
  },
  response: { config: queueConfig },
});
