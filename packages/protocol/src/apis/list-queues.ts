import { defineApi } from '../api-definition.js';
import { array, int, object, string } from '../schema.js';

export const listQueues = defineApi({
  name: 'listQueues',
  summary: 'Every queue with its topics and the number of members connected to it.',
  minVersion: 0,
  maxVersion: 0,
  request: {},
  response: { queues: array(object({ name: string(), topics: array(string()), members: int() })) },
});
