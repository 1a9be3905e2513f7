import { field, int16, int32, int64, message, string } from '../schema/schema.js';

/** InitProducerId (key 22), as Kafka defines it through v5; v2+ flexible, v3+ the producer's current id and epoch. */
export const initProducerIdRequest = message('InitProducerIdRequest', {
  validVersions: [0, 5],
  flexibleFrom: 2,
  fields: {
    transactionalId: field(string, { nullable: [0] }),
    transactionTimeoutMs: field(int32),
    producerId: field(int64, { versions: [3], default: -1 }),
    producerEpoch: field(int16, { versions: [3], default: -1 }),
  },
});

export const initProducerIdResponse = message('InitProducerIdResponse', {
  validVersions: [0, 5],
  flexibleFrom: 2,
  fields: {
    throttleTimeMs: field(int32),
    errorCode: field(int16),
    producerId: field(int64, { default: -1 }),
    producerEpoch: field(int16),
  },
});
