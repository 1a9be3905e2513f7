import { encodeBatch } from '@klog/log-core';
import { describeProducersApi } from '../../../src/kafka/apis/describe-producers.js';
import { goldenCase } from './golden-case.js';

const T = 1_700_000_000_000;

// Two idempotent producers on partition 0 (one in its second epoch), none on partition 1, a partition that does
// not exist and a topic that does not exist.
export default goldenCase({
  api: describeProducersApi,
  async setup(store) {
    await store.createTopic('tracked', { partitions: 2 });
    const batch = (producerId: number, producerEpoch: number, baseSequence: number, n: number) =>
      encodeBatch(Array.from({ length: n }, (_, i) => ({ value: Buffer.from(`r${i}`), timestamp: T + i })), { producerId, producerEpoch, baseSequence, now: T });
    await store.appendBatch('tracked', 0, batch(7, 0, 0, 3));
    await store.appendBatch('tracked', 0, batch(9, 0, 0, 1));
    await store.appendBatch('tracked', 0, batch(7, 1, 0, 2));
  },
  request: () => ({ topics: [{ name: 'tracked', partitionIndexes: [0, 1, 5] }, { name: 'missing', partitionIndexes: [0] }] }),
});
