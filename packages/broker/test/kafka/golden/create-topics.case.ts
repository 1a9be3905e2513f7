import { createTopicsApi } from '../../../src/kafka/apis/create-topics.js';
import { goldenCase } from './golden-case.js';

// Per version: a topic made with a setting (answered at v5+ with its partitions, settings and, v7, its id), one
// with broker defaults (-1), one that already exists, one with 3 replicas and one placed by assignment.
export default goldenCase({
  api: createTopicsApi,
  async setup(store) {
    await store.createTopic('taken', { partitions: 1 });
  },
  request: (version) => ({
    topics: [
      { name: `made-v${version}`, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '60000' }] },
      { name: `defaulted-v${version}`, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] },
      { name: 'taken', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
      { name: `replicated-v${version}`, numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] },
      { name: `placed-v${version}`, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [0] }], configs: [] },
    ],
    timeoutMs: 5000,
    validateOnly: false,
  }),
});
