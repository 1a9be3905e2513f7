import { defineApi } from '../api-definition.js';
import { string } from '../schema.js';

export const deleteGroup = defineApi({
  name: 'deleteGroup',
  summary: 'Deletes a group without members, and its committed offsets.',
  minVersion: 0,
  maxVersion: 0,
  request: { groupId: string() },
  response: {},
});
