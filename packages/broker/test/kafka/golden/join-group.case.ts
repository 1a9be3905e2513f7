import { joinGroupApi } from '../../../src/kafka/apis/join-group.js';
import { goldenCase } from './golden-case.js';

// Member ids the coordinator hands out are random, so the pinned joins are refusals: a member id the group does
// not know (UNKNOWN_MEMBER_ID), and at v3 the native protocol type (INCONSISTENT_GROUP_PROTOCOL). The accepted
// joins, MEMBER_ID_REQUIRED and static membership are in test/kafka/wire-groups.test.ts.
export default goldenCase({
  api: joinGroupApi,
  request: (version) => ({
    groupId: 'orders-group',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    memberId: 'gone-member',
    groupInstanceId: version >= 5 ? 'instance-1' : null,
    protocolType: version === 3 ? 'klog' : 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('meta') }],
    reason: version >= 8 ? 'golden' : null,
  }),
});
