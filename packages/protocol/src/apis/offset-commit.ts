import { defineApi } from '../api-definition.js';
import { array, int, object, optional, string } from '../schema.js';

export const offsetCommit = defineApi({
  name: 'offsetCommit',
  summary: 'Commits a group\'s offsets: a member of the current generation, or anyone while the group has no members.',
  minVersion: 0,
  maxVersion: 0,
  request: {
    groupId: string(),
    memberId: optional(string(), 'default "" (not a member)'),
    generationId: optional(int(), 'default -1 (not a member)'),
    offsets: array(object({ topic: string(), partition: int({ min: 0 }), offset: int({ min: 0 }), metadata: optional(string()) })),
  },
  response: {},
});
