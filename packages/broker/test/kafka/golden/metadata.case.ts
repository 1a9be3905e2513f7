import { metadataApi } from '../../../src/kafka/apis/metadata.js';
import { goldenCase } from './golden-case.js';

export default goldenCase({
  api: metadataApi,
  async setup(store) {
    await store.createTopic('orders', { partitions: 2 });
  },
  // v0-v3 always create a missing topic; from v4 this one says not to, so "missing" answers UNKNOWN_TOPIC_OR_PARTITION.
  request: (version) => ({
    topics: [{ topicId: Buffer.alloc(16), name: 'orders' }, { topicId: Buffer.alloc(16), name: version < 4 ? `auto-v${version}` : 'missing' }],
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: version === 9,
  }),
});
