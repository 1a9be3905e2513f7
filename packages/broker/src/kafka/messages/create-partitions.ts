import { array, bool, field, int16, int32, message, string, struct } from '../schema/schema.js';

/** CreatePartitions (key 37), as Kafka defines it through v3; v2+ flexible. */
export const createPartitionsRequest = message('CreatePartitionsRequest', {
  validVersions: [0, 3],
  flexibleFrom: 2,
  fields: {
    topics: field(array(struct({
      name: field(string),
      count: field(int32),
      assignments: field(array(struct({
        brokerIds: field(array(int32)),
      })), { nullable: [0] }),
    }))),
    timeoutMs: field(int32),
    validateOnly: field(bool),
  },
});

export const createPartitionsResponse = message('CreatePartitionsResponse', {
  validVersions: [0, 3],
  flexibleFrom: 2,
  fields: {
    throttleTimeMs: field(int32),
    results: field(array(struct({
      name: field(string),
      errorCode: field(int16),
      errorMessage: field(string, { nullable: [0], default: null }),
    }))),
  },
});
