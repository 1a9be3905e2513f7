import { array, bool, field, int16, int32, int64, message, string, struct } from '../schema/schema.js';

/** OffsetFetch (key 9), as Kafka defines it through v9; v6+ flexible, v8+ a batch of groups. */
export const offsetFetchRequest = message('OffsetFetchRequest', {
  validVersions: [0, 9],
  flexibleFrom: 6,
  fields: {
    groupId: field(string, { versions: [0, 7] }),
    topics: field(array(struct({
      name: field(string),
      partitionIndexes: field(array(int32)),
    })), { versions: [0, 7], nullable: [2, 7] }),
    groups: field(array(struct({
      groupId: field(string),
      memberId: field(string, { versions: [9], nullable: [9], default: null }),
      memberEpoch: field(int32, { versions: [9], default: -1 }),
      topics: field(array(struct({
        name: field(string),
        partitionIndexes: field(array(int32)),
      })), { nullable: [8] }),
    })), { versions: [8] }),
    requireStable: field(bool, { versions: [7] }),
  },
});

const partitionAnswer = struct({
  partitionIndex: field(int32),
  committedOffset: field(int64),
  committedLeaderEpoch: field(int32, { versions: [5], default: -1 }),
  metadata: field(string, { nullable: [0] }),
  errorCode: field(int16),
});

export const offsetFetchResponse = message('OffsetFetchResponse', {
  validVersions: [0, 9],
  flexibleFrom: 6,
  fields: {
    throttleTimeMs: field(int32, { versions: [3] }),
    topics: field(array(struct({
      name: field(string),
      partitions: field(array(partitionAnswer)),
    })), { versions: [0, 7] }),
    errorCode: field(int16, { versions: [2, 7] }),
    groups: field(array(struct({
      groupId: field(string),
      topics: field(array(struct({
        name: field(string),
        partitions: field(array(partitionAnswer)),
      }))),
      errorCode: field(int16),
    })), { versions: [8] }),
  },
});
