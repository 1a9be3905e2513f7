import { offsetDeleteApi } from '../../../src/kafka/apis/offset-delete.js';
import { goldenCase } from './golden-case.js';

// A group klog does not know: GROUP_ID_NOT_FOUND at the top, no topics.
export default goldenCase({
  api: offsetDeleteApi,
  async setup(store) {
    await store.createTopic('orders', { partitions: 2 });
  },
  request: () => ({ groupId: 'orders-group', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }, { partitionIndex: 1 }] }] }),
});
