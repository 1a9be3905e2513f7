import { array, field, int16, int32, message, string, struct } from '../schema/schema.js';

/** OffsetDelete (key 47), as Kafka defines it: v0 only, never flexible. */
export const offsetDeleteRequest = message('OffsetDeleteRequest', {
  validVersions: [0, 0],
  fields: {
    groupId: field(string),
    topics: field(array(struct({
      name: field(string),
      partitions: field(array(struct({
        partitionIndex: field(int32),
      }))),
    }))),
  },
});

export const offsetDeleteResponse = message('OffsetDeleteResponse', {
  validVersions: [0, 0],
  fields: {
    errorCode: field(int16),
    throttleTimeMs: field(int32),
    topics: field(array(struct({
      name: field(string),
      partitions: field(array(struct({
        partitionIndex: field(int32),
        errorCode: field(int16),
      }))),
    }))),
  },
});
