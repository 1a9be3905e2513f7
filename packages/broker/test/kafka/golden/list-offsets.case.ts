import { encodeBatch } from '@klog/log-core';
import { listOffsetsApi } from '../../../src/kafka/apis/list-offsets.js';
import { goldenCase } from './golden-case.js';

const T0 = 1_700_000_000_000;

export default goldenCase({
  api: listOffsetsApi,
  async setup(store) {
    await store.createTopic('orders', { partitions: 1 });
    for (const [i, value] of ['a', 'b', 'c'].entries()) {
      await store.appendBatch('orders', 0, encodeBatch([{ value: Buffer.from(value), timestamp: T0 + i * 1000 }], { now: T0 }));
    }
  },
  // Latest, earliest, max timestamp (v7; before it UNSUPPORTED_VERSION), a timestamp between records, one after
  // all of them, and an unknown partition.
  request: () => ({
    replicaId: -1,
    isolationLevel: 0,
    topics: [{
      name: 'orders',
      partitions: [[0, -1], [0, -2], [0, -3], [0, T0 + 500], [0, T0 + 9000], [3, -1]].map(([partitionIndex, timestamp]) =>
        ({ partitionIndex, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 })),
    }],
    timeoutMs: 0,
  }),
});
