import { offsetFetchApi } from '../../../src/kafka/apis/offset-fetch.js';
import { goldenCase } from './golden-case.js';

// Nothing is committed (the coordinator is opened before setup): offset -1 for named partitions; v2+ null topics
// (all) give an empty list; v8+ batch two groups, one asking for all and one for named partitions.
export default goldenCase({
  api: offsetFetchApi,
  async setup(store) {
    await store.createTopic('orders', { partitions: 2 });
  },
  request: (version) => ({
    groupId: 'orders-group',
    topics: version === 3 ? null : [{ name: 'orders', partitionIndexes: [0, 1] }],
    groups: [
      { groupId: 'orders-group', memberId: null, memberEpoch: -1, topics: [{ name: 'orders', partitionIndexes: [1] }] },
      { groupId: 'billing', memberId: version >= 9 ? 'm-1' : null, memberEpoch: -1, topics: null },
    ],
    requireStable: version >= 7,
  }),
});
