import { createPartitionsApi } from '../../../src/kafka/apis/create-partitions.js';
import { goldenCase } from './golden-case.js';

// Per version: a topic of its own grown from 1 to 3, one grown only in name (count not larger), one that does
// not exist, one with an assignment on another broker.
export default goldenCase({
  api: createPartitionsApi,
  async setup(store) {
    for (let v = 0; v <= 4; v++) await store.createTopic(`grown-v${v}`, { partitions: 1 });
    await store.createTopic('steady', { partitions: 2 });
    await store.createTopic('placed', { partitions: 1 });
  },
  request: (version) => ({
    topics: [
      { name: `grown-v${version}`, count: 3, assignments: null },
      { name: 'steady', count: 2, assignments: null },
      { name: 'missing', count: 2, assignments: null },
      { name: 'placed', count: 2, assignments: [{ brokerIds: [5] }] },
    ],
    timeoutMs: 5000,
    validateOnly: false,
  }),
});
