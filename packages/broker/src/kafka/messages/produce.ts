import { array, field, int16, int32, int64, message, records, string, struct } from '../schema/schema.js';
import { leaderIdAndEpoch, NO_LEADER, nodeEndpoint } from './shared-structs.js';

/** Produce (key 0), as Kafka defines it through v11; v9+ flexible (compact nullable records). */
export const produceRequest = message('ProduceRequest', {
  validVersions: [0, 11],
  flexibleFrom: 9,
  fields: {
    transactionalId: field(string, { versions: [3], nullable: [3], default: null }),
    acks: field(int16),
    timeoutMs: field(int32),
    topicData: field(array(struct({
      name: field(string),
      partitionData: field(array(struct({
        index: field(int32),
        records: field(records, { nullable: [0] }),
      }))),
    }))),
  },
});

export const produceResponse = message('ProduceResponse', {
  validVersions: [0, 11],
  flexibleFrom: 9,
  fields: {
    responses: field(array(struct({
      name: field(string),
      partitionResponses: field(array(struct({
        index: field(int32),
        errorCode: field(int16),
        baseOffset: field(int64),
        logAppendTimeMs: field(int64, { versions: [2], default: -1 }),
        logStartOffset: field(int64, { versions: [5], default: -1 }),
        recordErrors: field(array(struct({
          batchIndex: field(int32),
          batchIndexErrorMessage: field(string, { nullable: [8], default: null }),
        })), { versions: [8] }),
        errorMessage: field(string, { versions: [8], nullable: [8], default: null }),
        currentLeader: field(leaderIdAndEpoch, { versions: [10], tag: 0, tagged: [10], default: NO_LEADER }),
      }))),
    }))),
    throttleTimeMs: field(int32, { versions: [1] }),
    nodeEndpoints: field(array(nodeEndpoint(10)), { versions: [10], tag: 0, tagged: [10] }),
  },
});
