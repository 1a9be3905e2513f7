import { defineApi } from '../api-definition.js';
import { array, object, string } from '../schema.js';
import { entryError } from './common.js';

export const deleteTopics = defineApi({
  name: 'deleteTopics',
  summary: 'Deletes topics and all their records; each gets its own result.',
  minVersion: 0,
  maxVersion: 0,
  request: {
    topics: array(string()),
  },
  response: {
    topics: array(object({ name: string(), ...entryError })),
  },
});
