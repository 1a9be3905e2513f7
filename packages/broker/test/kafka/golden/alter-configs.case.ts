import { alterConfigsApi } from '../../../src/kafka/apis/alter-configs.js';
import { goldenCase } from './golden-case.js';

// Per version: a topic's whole set replaced, an unknown setting (INVALID_CONFIG), the broker (refused) and a
// topic that does not exist.
export default goldenCase({
  api: alterConfigsApi,
  async setup(store) {
    await store.createTopic('altered', { partitions: 1 });
    await store.createTopic('strict', { partitions: 1 });
  },
  request: (version) => ({
    resources: [
      { resourceType: 2, resourceName: 'altered', configs: [{ name: 'retention.ms', value: String(60_000 + version) }] },
      { resourceType: 2, resourceName: 'strict', configs: [{ name: 'unclean.leader.election.enable', value: 'true' }] },
      { resourceType: 4, resourceName: '0', configs: [{ name: 'log.retention.ms', value: '1' }] },
      { resourceType: 2, resourceName: 'missing', configs: [] },
    ],
    validateOnly: false,
  }),
});
