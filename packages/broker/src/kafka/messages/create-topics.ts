import { array, bool, field, int8, int16, int32, message, string, struct, uuid } from '../schema/schema.js';

/** CreateTopics (key 19), as Kafka defines it through v7; v5+ flexible. */
export const createTopicsRequest = message('CreateTopicsRequest', {
  validVersions: [0, 7],
  flexibleFrom: 5,
  fields: {
    topics: field(array(struct({
      name: field(string),
      numPartitions: field(int32),
      replicationFactor: field(int16),
      assignments: field(array(struct({
        partitionIndex: field(int32),
        brokerIds: field(array(int32)),
      }))),
      configs: field(array(struct({
        name: field(string),
        value: field(string, { nullable: [0] }),
      }))),
    }))),
    timeoutMs: field(int32, { default: 60_000 }),
    validateOnly: field(bool, { versions: [1], default: false }),
  },
});

export const createTopicsResponse = message('CreateTopicsResponse', {
  validVersions: [0, 7],
  flexibleFrom: 5,
  fields: {
    throttleTimeMs: field(int32, { versions: [2] }),
    topics: field(array(struct({
      name: field(string),
      topicId: field(uuid, { versions: [7] }),
      errorCode: field(int16),
      errorMessage: field(string, { versions: [1], nullable: [0], default: null }),
      topicConfigErrorCode: field(int16, { versions: [5], tag: 0, tagged: [5], default: 0 }),
      numPartitions: field(int32, { versions: [5], default: -1 }),
      replicationFactor: field(int16, { versions: [5], default: -1 }),
      configs: field(array(struct({
        name: field(string),
        value: field(string, { nullable: [5] }),
        readOnly: field(bool),
        configSource: field(int8, { default: -1 }),
        isSensitive: field(bool),
      })), { versions: [5], nullable: [5], default: null }),
    }))),
  },
});
