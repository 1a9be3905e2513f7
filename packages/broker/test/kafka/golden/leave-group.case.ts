import { leaveGroupApi } from '../../../src/kafka/apis/leave-group.js';
import { goldenCase } from './golden-case.js';

// v3+ leave as a batch: one member by id, one by static instance id; each gets its own UNKNOWN_MEMBER_ID.
export default goldenCase({
  api: leaveGroupApi,
  request: () => ({
    groupId: 'orders-group',
    memberId: 'gone-member',
    members: [
      { memberId: 'gone-member', groupInstanceId: null, reason: 'closing' },
      { memberId: '', groupInstanceId: 'instance-1', reason: null },
    ],
  }),
});
