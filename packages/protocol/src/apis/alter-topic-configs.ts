import { defineApi } from '../api-definition.js';
import { array, dictionary, int, object, optional, string } from '../schema.js';
import { entryError } from './common.js';

export const alterTopicConfigs = defineApi({
  name: 'alterTopicConfigs',
  summary: 'Changes settings of existing topics (the ones named; the others keep their values). Each topic gets its own result.',
  minVersion: 0,
  maxVersion: 0,
  request: {
    topics: array(object({
      name: string(),
      config: dictionary(int()),
    }), { max: 10_000 }),
  },
  response: {
    topics: array(object({
      name: string(),
      config: optional(dictionary(int()), 'every setting of the topic after the change'),
      ...entryError,
    })),
  },
});
