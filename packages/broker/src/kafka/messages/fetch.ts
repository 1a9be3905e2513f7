import { array, field, int16, int32, int64, int8, message, records, string, struct, uuid } from '../schema/schema.js';
import { leaderIdAndEpoch, NO_LEADER, nodeEndpoint } from './shared-structs.js';

/** Fetch (key 1), as Kafka defines it through v17; v12+ flexible, v13+ topics by id. */
export const fetchRequest = message('FetchRequest', {
  validVersions: [0, 17],
  flexibleFrom: 12,
  fields: {
    clusterId: field(string, { versions: [12], nullable: [12], tag: 0, tagged: [12], default: null }),
    replicaId: field(int32, { versions: [0, 14], default: -1 }),
    replicaState: field(struct({ replicaId: field(int32, { default: -1 }), replicaEpoch: field(int64, { default: -1 }) }),
      { versions: [15], tag: 1, tagged: [15], default: { replicaId: -1, replicaEpoch: -1 } }),
    maxWaitMs: field(int32),
    minBytes: field(int32),
    maxBytes: field(int32, { versions: [3], default: 0x7fffffff }),
    isolationLevel: field(int8, { versions: [4] }),
    sessionId: field(int32, { versions: [7] }),
    sessionEpoch: field(int32, { versions: [7], default: -1 }),
    topics: field(array(struct({
      topic: field(string, { versions: [0, 12] }),
      topicId: field(uuid, { versions: [13] }),
      partitions: field(array(struct({
        partition: field(int32),
        currentLeaderEpoch: field(int32, { versions: [9], default: -1 }),
        fetchOffset: field(int64),
        lastFetchedEpoch: field(int32, { versions: [12], default: -1 }),
        logStartOffset: field(int64, { versions: [5], default: -1 }),
        partitionMaxBytes: field(int32),
        replicaDirectoryId: field(uuid, { versions: [17], tag: 0, tagged: [17] }),
      }))),
    }))),
    forgottenTopicsData: field(array(struct({
      topic: field(string, { versions: [7, 12] }),
      topicId: field(uuid, { versions: [13] }),
      partitions: field(array(int32)),
    })), { versions: [7] }),
    rackId: field(string, { versions: [11] }),
  },
});

const epochEndOffset = struct({ epoch: field(int32, { default: -1 }), endOffset: field(int64, { default: -1 }) });
const snapshotId = struct({ endOffset: field(int64, { default: -1 }), epoch: field(int32, { default: -1 }) });

export const fetchResponse = message('FetchResponse', {
  validVersions: [0, 17],
  flexibleFrom: 12,
  fields: {
    throttleTimeMs: field(int32, { versions: [1] }),
    errorCode: field(int16, { versions: [7] }),
    sessionId: field(int32, { versions: [7] }),
    responses: field(array(struct({
      topic: field(string, { versions: [0, 12] }),
      topicId: field(uuid, { versions: [13] }),
      partitions: field(array(struct({
        partitionIndex: field(int32),
        errorCode: field(int16),
        highWatermark: field(int64),
        lastStableOffset: field(int64, { versions: [4], default: -1 }),
        logStartOffset: field(int64, { versions: [5], default: -1 }),
        divergingEpoch: field(epochEndOffset, { versions: [12], tag: 0, tagged: [12], default: { epoch: -1, endOffset: -1 } }),
        currentLeader: field(leaderIdAndEpoch, { versions: [12], tag: 1, tagged: [12], default: NO_LEADER }),
        snapshotId: field(snapshotId, { versions: [12], tag: 2, tagged: [12], default: { endOffset: -1, epoch: -1 } }),
        abortedTransactions: field(array(struct({ producerId: field(int64), firstOffset: field(int64) })), { versions: [4], nullable: [4] }),
        preferredReadReplica: field(int32, { versions: [11], default: -1 }),
        records: field(records, { nullable: [0] }),
      }))),
    }))),
    nodeEndpoints: field(array(nodeEndpoint(16)), { versions: [16], tag: 0, tagged: [16] }),
  },
});
