import { deleteGroupsApi } from '../../../src/kafka/apis/delete-groups.js';
import { goldenCase } from './golden-case.js';

// An unknown group (GROUP_ID_NOT_FOUND) and an invalid id (INVALID_GROUP_ID); deleting real groups, and
// NON_EMPTY_GROUP, are in test/kafka/wire-groups.test.ts and kafkajs-admin-groups.test.ts.
export default goldenCase({
  api: deleteGroupsApi,
  request: () => ({ groupsNames: ['orders-group', ''] }),
});
