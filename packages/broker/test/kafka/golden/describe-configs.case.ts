import { describeConfigsApi } from '../../../src/kafka/apis/describe-configs.js';
import { goldenCase } from './golden-case.js';

// Per version: two keys of a topic with one setting of its own (v1+ with synonyms, v3+ with documentation),
// every setting of this broker (none), a topic that does not exist and another broker.
export default goldenCase({
  api: describeConfigsApi,
  async setup(store) {
    await store.createTopic('tuned', { partitions: 1, retentionMs: 60_000 });
  },
  request: () => ({
    resources: [
      { resourceType: 2, resourceName: 'tuned', configurationKeys: ['retention.ms', 'segment.bytes', 'min.insync.replicas'] },
      { resourceType: 4, resourceName: '0', configurationKeys: null },
      { resourceType: 2, resourceName: 'missing', configurationKeys: null },
      { resourceType: 4, resourceName: '7', configurationKeys: null },
    ],
    includeSynonyms: true,
    includeDocumentation: true,
  }),
});
