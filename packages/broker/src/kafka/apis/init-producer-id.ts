import { KafkaError } from '../error-codes.js';
import { defineKafkaApi } from '../kafka-api.js';
import { initProducerIdRequest, initProducerIdResponse } from '../messages/init-producer-id.js';
import type { Infer } from '../schema/schema.js';

type InitProducerIdResponse = Infer<typeof initProducerIdResponse>;

/** The producer id and epoch of an answer that gives none. */
const NO_PRODUCER_ID = -1;
const NO_PRODUCER_EPOCH = -1;

/**
 * InitProducerId v0-v5 (v2+ flexible). An idempotent producer (null transactional_id) gets a producer id never
 * handed out before, from the allocator the native initProducerId draws from, at epoch 0. The v3+ producer_id and
 * producer_epoch a client sends to bump its epoch (librdkafka after OUT_OF_ORDER_SEQUENCE_NUMBER) are ignored, as
 * Kafka ignores them without a transactional id: a fresh id starts its sequences at 0 just as a bumped epoch
 * would. klog has no transactions, so a transactional id is refused with TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
 * as Produce refuses a transactional_id.
 */
export const initProducerIdApi = defineKafkaApi({
  key: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  request: initProducerIdRequest,
  response: initProducerIdResponse,
  async handle(request, _version, ctx) {
    if (request.transactionalId !== null) return failure(KafkaError.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const producerId = ctx.broker.producerIds.allocate();
    return { throttleTimeMs: 0, errorCode: KafkaError.NONE, producerId, producerEpoch: 0 };
  },
  errorResponse: (_request, _version, errorCode) => failure(errorCode),
});

function failure(errorCode: number): InitProducerIdResponse {
  return { throttleTimeMs: 0, errorCode, producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH };
}
