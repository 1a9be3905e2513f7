import { encodeBatch } from '@klog/log-core';
import { produceApi } from '../../../src/kafka/apis/produce.js';
import { goldenCase } from './golden-case.js';

/** Fixed timestamps, so the batch (and its CRC) is the same bytes on every run. */
const batch = (value: string) => encodeBatch([{ key: Buffer.from('k'), value: Buffer.from(value), timestamp: 1_700_000_000_000 }], { now: 1_700_000_000_000 });

export default goldenCase({
  api: produceApi,
  async setup(store) {
    await store.createTopic('orders', { partitions: 2 });
  },
  // Per version: a good batch to partition 0, and partition 9 that does not exist.
  request: (version) => ({
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: 'orders', partitionData: [{ index: 0, records: batch(`v${version}`) }, { index: 9, records: batch('lost') }] }],
  }),
});
