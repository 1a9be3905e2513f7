import { defineApi } from '../api-definition.js';
import { int, optional, string } from '../schema.js';

export const redriveQueue = defineApi({
  name: 'redriveQueue',
  summary: 'Produces up to max of the queue\'s dead letters back to their source partitions, oldest first.',
  minVersion: 0,
  maxVersion: 0,
  request: { queue: string(), max: optional(int({ min: 0 }), 'all when left out') },
  response: { moved: int() },
});
