import { defineApi } from '../api-definition.js';
import { string } from '../schema.js';

export const deleteQueue = defineApi({
  name: 'deleteQueue',
  summary: 'Deletes a queue and its delivery state; its members\' next requests get UNKNOWN_QUEUE. Its topics and dead letters stay.',
  minVersion: 0,
  maxVersion: 0,
  request: { queue: string() },
  response: {},
});
