import { defineApi } from '../api-definition.js';
import { array, boolean, int, object, optional, since, string } from '../schema.js';
import { entryError } from './common.js';

export const metadata = defineApi({
  name: 'metadata',
  summary: 'Brokers (just this one), and topics with their partitions\' start and end offsets.',
  minVersion: 0,
  maxVersion: 2,
  request: {
    topics: optional(array(string()), 'all topics when left out'),
    allowAutoCreate: optional(boolean(), 'default false: create the named topics that do not exist (when the broker auto-creates)'),
  },
  response: {
    brokers: array(object({ nodeId: int(), host: string(), port: int() })),
    controllerId: int(),
    topics: array(object({
      name: string(),
      internal: boolean(),
      // v1: producers size their batches to fit the topic's limit instead of learning it from a rejection.
      maxBatchBytes: since(1, int({ min: 1 })),
      partitions: array(object({ partition: int({ min: 0 }), logStartOffset: int(), logEndOffset: int() })),
      // v2: the topic's settings under Kafka's names, each marked default or the topic's own (klog topic describe).
      configs: since(2, array(object({ name: string(), value: string(), isDefault: boolean() }))),
      ...entryError,
    })),
  },
});
