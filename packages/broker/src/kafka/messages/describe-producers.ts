import { array, field, int16, int32, int64, message, string, struct } from '../schema/schema.js';

/** DescribeProducers (key 61), as Kafka defines it: v0 only, flexible. */
export const describeProducersRequest = message('DescribeProducersRequest', {
  validVersions: [0, 0],
  flexibleFrom: 0,
  fields: {
    topics: field(array(struct({
      name: field(string),
      partitionIndexes: field(array(int32)),
    }))),
  },
});

export const describeProducersResponse = message('DescribeProducersResponse', {
  validVersions: [0, 0],
  flexibleFrom: 0,
  fields: {
    throttleTimeMs: field(int32),
    topics: field(array(struct({
      name: field(string),
      partitions: field(array(struct({
        partitionIndex: field(int32),
        errorCode: field(int16),
        errorMessage: field(string, { nullable: [0], default: null }),
        activeProducers: field(array(struct({
          producerId: field(int64),
          producerEpoch: field(int32),
          lastSequence: field(int32, { default: -1 }),
          lastTimestamp: field(int64, { default: -1 }),
          coordinatorEpoch: field(int32),
          currentTxnStartOffset: field(int64, { default: -1 }),
        }))),
      }))),
    }))),
  },
});
