import { defineApi } from '../api-definition.js';
import { string } from '../schema.js';

export const leaveGroup = defineApi({
  name: 'leaveGroup',
  summary: 'Leaves a group at once, so its partitions move without waiting for the session timeout.',
  minVersion: 0,
  maxVersion: 0,
  request: { groupId: string(), memberId: string() },
  response: {},
});
