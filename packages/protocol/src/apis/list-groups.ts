import { defineApi } from '../api-definition.js';
import { array, int, object, string } from '../schema.js';

export const listGroups = defineApi({
  name: 'listGroups',
  summary: 'Every group the coordinator knows, with its state and number of members.',
  minVersion: 0,
  maxVersion: 0,
  request: {},
  response: {
    groups: array(object({ groupId: string(), state: string(), protocolType: string(), members: int() })),
  },
});
