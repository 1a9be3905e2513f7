import { array, bool, field, int16, int32, message, string, struct, uuid } from '../schema/schema.js';

/** Metadata (key 3), as Kafka defines it through v12; v9+ flexible. */
export const metadataRequest = message('MetadataRequest', {
  validVersions: [0, 12],
  flexibleFrom: 9,
  fields: {
    topics: field(array(struct({
      topicId: field(uuid, { versions: [10] }),
      name: field(string, { nullable: [10] }),
    })), { nullable: [1] }),
    allowAutoTopicCreation: field(bool, { versions: [4], default: true }),
    includeClusterAuthorizedOperations: field(bool, { versions: [8, 10] }),
    includeTopicAuthorizedOperations: field(bool, { versions: [8] }),
  },
});

export const metadataResponse = message('MetadataResponse', {
  validVersions: [0, 12],
  flexibleFrom: 9,
  fields: {
    throttleTimeMs: field(int32, { versions: [3] }),
    brokers: field(array(struct({
      nodeId: field(int32),
      host: field(string),
      port: field(int32),
      rack: field(string, { versions: [1], nullable: [1], default: null }),
    }))),
    clusterId: field(string, { versions: [2], nullable: [2], default: null }),
    controllerId: field(int32, { versions: [1], default: -1 }),
    topics: field(array(struct({
      errorCode: field(int16),
      name: field(string, { nullable: [12] }),
      topicId: field(uuid, { versions: [10] }),
      isInternal: field(bool, { versions: [1] }),
      partitions: field(array(struct({
        errorCode: field(int16),
        partitionIndex: field(int32),
        leaderId: field(int32),
        leaderEpoch: field(int32, { versions: [7], default: -1 }),
        replicaNodes: field(array(int32)),
        isrNodes: field(array(int32)),
        offlineReplicas: field(array(int32), { versions: [5] }),
      }))),
      topicAuthorizedOperations: field(int32, { versions: [8], default: -2147483648 }),
    }))),
    clusterAuthorizedOperations: field(int32, { versions: [8, 10], default: -2147483648 }),
  },
});
