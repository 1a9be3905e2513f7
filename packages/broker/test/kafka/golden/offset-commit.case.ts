import { offsetCommitApi } from '../../../src/kafka/apis/offset-commit.js';
import { goldenCase } from './golden-case.js';

// Standalone commits (generation -1, member ""), accepted at every version; v9 also names a missing topic, so the
// whole commit is refused (UNKNOWN_TOPIC_OR_PARTITION on every partition).
export default goldenCase({
  api: offsetCommitApi,
  async setup(store) {
    await store.createTopic('orders', { partitions: 2 });
  },
  request: (version) => ({
    groupId: 'orders-group',
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    topics: [
      { name: 'orders', partitions: [
        { partitionIndex: 0, committedOffset: 10 + version, committedLeaderEpoch: version >= 6 ? 3 : -1, commitTimestamp: -1, committedMetadata: `v${version}` },
        { partitionIndex: 1, committedOffset: 5, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null },
      ] },
      ...(version === 9 ? [{ name: 'missing', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: '' }] }] : []),
    ],
  }),
});
