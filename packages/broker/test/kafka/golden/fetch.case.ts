import { encodeBatch } from '@klog/log-core';
import { fetchApi } from '../../../src/kafka/apis/fetch.js';
import { goldenCase } from './golden-case.js';

const NO_ID = Buffer.alloc(16);

export default goldenCase({
  api: fetchApi,
  async setup(store) {
    await store.createTopic('orders', { partitions: 1 });
    await store.appendBatch('orders', 0, encodeBatch([{ key: Buffer.from('k'), value: Buffer.from('v'), timestamp: 1_700_000_000_000 }], { now: 1_700_000_000_000 }));
  },
  // Sessionless full fetches, no waiting: partition 0 from offset 0, and partition 5 that does not exist.
  request: () => ({
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1 },
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{
      topic: 'orders',
      topicId: NO_ID,
      partitions: [0, 5].map((partition) => ({
        partition, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20, replicaDirectoryId: NO_ID,
      })),
    }],
    forgottenTopicsData: [],
    rackId: '',
  }),
});
