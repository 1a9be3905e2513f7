import { deleteTopicsApi } from '../../../src/kafka/apis/delete-topics.js';
import { goldenCase } from './golden-case.js';

// Per version: a topic of its own that exists, and one that does not. v6 names a missing topic by name (zero id)
// and asks for an id no topic has: a topic deleted at v6 is answered with its id, which is random per store and
// gone from it afterwards, so that success is pinned by test/kafka/wire-topic-admin.test.ts instead.
export default goldenCase({
  api: deleteTopicsApi,
  async setup(store) {
    for (let v = 0; v <= 5; v++) await store.createTopic(`doomed-v${v}`, { partitions: 1 });
  },
  request: (version) => ({
    topics: [
      { name: 'never-was', topicId: Buffer.alloc(16) },
      { name: null, topicId: Buffer.alloc(16, 0x11) },
    ],
    topicNames: [`doomed-v${version}`, 'never-was'],
    timeoutMs: 5000,
  }),
});
