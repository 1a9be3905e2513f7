import { deleteRecordsApi } from '../../../src/kafka/apis/delete-records.js';
import { goldenCase } from './golden-case.js';

// Per version: partition 0 trimmed to offset v+1, partition 1 to its high watermark (-1), partition 0 of a
// topic that does not exist, and an offset past the end.
export default goldenCase({
  api: deleteRecordsApi,
  async setup(store) {
    await store.createTopic('trimmed', { partitions: 3 });
    for (let i = 0; i < 5; i++) await store.append('trimmed', [{ value: Buffer.from(`r${i}`), timestamp: 1_700_000_000_000 }], { partition: 0 });
    await store.append('trimmed', [{ value: Buffer.from('x'), timestamp: 1_700_000_000_000 }], { partition: 1 });
  },
  request: (version) => ({
    topics: [
      { name: 'trimmed', partitions: [{ partitionIndex: 0, offset: version + 1 }, { partitionIndex: 1, offset: -1 }, { partitionIndex: 2, offset: 99 }] },
      { name: 'missing', partitions: [{ partitionIndex: 0, offset: 0 }] },
    ],
    timeoutMs: 5000,
  }),
});
