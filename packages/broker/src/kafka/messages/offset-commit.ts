import { array, field, int16, int32, int64, message, string, struct } from '../schema/schema.js';

/** OffsetCommit (key 8), as Kafka defines it through v9; v8+ flexible. */
export const offsetCommitRequest = message('OffsetCommitRequest', {
  validVersions: [0, 9],
  flexibleFrom: 8,
  fields: {
    groupId: field(string),
    generationIdOrMemberEpoch: field(int32, { versions: [1], default: -1 }),
    memberId: field(string, { versions: [1] }),
    groupInstanceId: field(string, { versions: [7], nullable: [7], default: null }),
    retentionTimeMs: field(int64, { versions: [2, 4], default: -1 }),
    topics: field(array(struct({
      name: field(string),
      partitions: field(array(struct({
        partitionIndex: field(int32),
        committedOffset: field(int64),
        committedLeaderEpoch: field(int32, { versions: [6], default: -1 }),
        commitTimestamp: field(int64, { versions: [1, 1], default: -1 }),
        committedMetadata: field(string, { nullable: [0] }),
      }))),
    }))),
  },
});

export const offsetCommitResponse = message('OffsetCommitResponse', {
  validVersions: [0, 9],
  flexibleFrom: 8,
  fields: {
    throttleTimeMs: field(int32, { versions: [3] }),
    topics: field(array(struct({
      name: field(string),
      partitions: field(array(struct({
        partitionIndex: field(int32),
        errorCode: field(int16),
      }))),
    }))),
  },
});
