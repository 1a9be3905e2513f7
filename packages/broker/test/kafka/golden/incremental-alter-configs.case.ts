import { incrementalAlterConfigsApi } from '../../../src/kafka/apis/incremental-alter-configs.js';
import { goldenCase } from './golden-case.js';

// Per version: SET one setting and DELETE another, an unknown setting and an APPEND (both INVALID_CONFIG), and a
// bad value.
export default goldenCase({
  api: incrementalAlterConfigsApi,
  async setup(store) {
    await store.createTopic('stepped', { partitions: 1, segmentMs: 1_000 });
    await store.createTopic('strict', { partitions: 1 });
  },
  request: (version) => ({
    resources: [
      { resourceType: 2, resourceName: 'stepped', configs: [
        { name: 'retention.ms', configOperation: 0, value: String(60_000 + version) },
        { name: 'segment.ms', configOperation: 1, value: null },
      ] },
      { resourceType: 2, resourceName: 'strict', configs: [{ name: 'no.such.setting', configOperation: 0, value: '1' }] },
      { resourceType: 2, resourceName: 'strict', configs: [{ name: 'cleanup.policy', configOperation: 2, value: 'compact' }] },
      { resourceType: 2, resourceName: 'strict', configs: [{ name: 'retention.ms', configOperation: 0, value: 'soon' }] },
    ],
    validateOnly: false,
  }),
});
