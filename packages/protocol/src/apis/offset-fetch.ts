import { defineApi } from '../api-definition.js';
import { array, int, object, optional, string } from '../schema.js';
import { topicPartition } from './common.js';

export const offsetFetch = defineApi({
  name: 'offsetFetch',
  summary: 'A group\'s committed offsets: of the partitions named (-1 where nothing is committed), or of every committed partition.',
  minVersion: 0,
  maxVersion: 0,
  request: {
    groupId: string(),
    partitions: optional(array(topicPartition), 'all committed partitions when left out'),
  },
  response: {
    offsets: array(object({ topic: string(), partition: int(), offset: int(), metadata: string() })),
  },
});
