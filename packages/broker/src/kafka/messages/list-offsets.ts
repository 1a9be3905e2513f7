import { array, field, int16, int32, int64, int8, message, string, struct } from '../schema/schema.js';

/** ListOffsets (key 2), as Kafka defines it through v10; v6+ flexible. */
export const listOffsetsRequest = message('ListOffsetsRequest', {
  validVersions: [0, 10],
  flexibleFrom: 6,
  fields: {
    replicaId: field(int32),
    isolationLevel: field(int8, { versions: [2] }),
    topics: field(array(struct({
      name: field(string),
      partitions: field(array(struct({
        partitionIndex: field(int32),
        currentLeaderEpoch: field(int32, { versions: [4], default: -1 }),
        timestamp: field(int64),
        maxNumOffsets: field(int32, { versions: [0, 0], default: 1 }),
      }))),
    }))),
    timeoutMs: field(int32, { versions: [10] }),
  },
});

export const listOffsetsResponse = message('ListOffsetsResponse', {
  validVersions: [0, 10],
  flexibleFrom: 6,
  fields: {
    throttleTimeMs: field(int32, { versions: [2] }),
    topics: field(array(struct({
      name: field(string),
      partitions: field(array(struct({
        partitionIndex: field(int32),
        errorCode: field(int16),
        oldStyleOffsets: field(array(int64), { versions: [0, 0] }),
        timestamp: field(int64, { versions: [1], default: -1 }),
        offset: field(int64, { versions: [1], default: -1 }),
        leaderEpoch: field(int32, { versions: [4], default: -1 }),
      }))),
    }))),
  },
});
