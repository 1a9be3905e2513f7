import { array, field, int16, int32, int64, message, string, struct } from '../schema/schema.js';

/** DeleteRecords (key 21), as Kafka defines it through v2; v2 flexible. */
export const deleteRecordsRequest = message('DeleteRecordsRequest', {
  validVersions: [0, 2],
  flexibleFrom: 2,
  fields: {
    topics: field(array(struct({
      name: field(string),
      partitions: field(array(struct({
        partitionIndex: field(int32),
        offset: field(int64),
      }))),
    }))),
    timeoutMs: field(int32),
  },
});

export const deleteRecordsResponse = message('DeleteRecordsResponse', {
  validVersions: [0, 2],
  flexibleFrom: 2,
  fields: {
    throttleTimeMs: field(int32),
    topics: field(array(struct({
      name: field(string),
      partitions: field(array(struct({
        partitionIndex: field(int32),
        lowWatermark: field(int64),
        errorCode: field(int16),
      }))),
    }))),
  },
});
