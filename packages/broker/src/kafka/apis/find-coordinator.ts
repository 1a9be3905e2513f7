import { KafkaError } from '../error-codes.js';
import { defineKafkaApi, NODE_ID, type KafkaRequestContext } from '../kafka-api.js';
import { findCoordinatorRequest, findCoordinatorResponse } from '../messages/find-coordinator.js';

/** Kafka's coordinator key types: 0 a consumer group, 1 a transactional id, 2 a share group. */
const GROUP_KEY = 0;
const TRANSACTION_KEY = 1;
const SHARE_KEY = 2;

interface Answer {
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

/** This broker coordinates every consumer group. Transactions and share groups have no coordinator in klog. */
function answer(keyType: number, ctx: KafkaRequestContext): Answer {
  if (keyType === GROUP_KEY) {
    return { errorCode: KafkaError.NONE, errorMessage: null, nodeId: NODE_ID, host: ctx.advertised.host, port: ctx.advertised.port };
  }
  const why =
    keyType === TRANSACTION_KEY ? 'klog has no transaction coordinator (no transactions)'
      : keyType === SHARE_KEY ? 'klog serves no share groups over the Kafka protocol'
        : `unknown coordinator key type ${keyType}`;
  const errorCode = keyType === TRANSACTION_KEY || keyType === SHARE_KEY ? KafkaError.COORDINATOR_NOT_AVAILABLE : KafkaError.INVALID_REQUEST;
  return failed(errorCode, why);
}

function failed(errorCode: number, errorMessage: string | null): Answer {
  return { errorCode, errorMessage, nodeId: -1, host: '', port: -1 };
}

/**
 * FindCoordinator v0-v6: every group's coordinator is this broker. v4+ asks for a batch of keys and gets one
 * answer per key. Key type 1 (transactional id) and 2 (share group): COORDINATOR_NOT_AVAILABLE with a message.
 */
export const findCoordinatorApi = defineKafkaApi({
  key: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 6,
  request: findCoordinatorRequest,
  response: findCoordinatorResponse,
  async handle(request, version, ctx) {
    if (version >= 4) {
      return {
        throttleTimeMs: 0, errorCode: KafkaError.NONE, errorMessage: null, nodeId: -1, host: '', port: -1,
        coordinators: request.coordinatorKeys.map((key) => ({ key, ...answer(request.keyType, ctx) })),
      };
    }
    return { throttleTimeMs: 0, ...answer(request.keyType, ctx), coordinators: [] };
  },
  errorResponse: (request, version, errorCode) => ({
    throttleTimeMs: 0,
    ...failed(version >= 4 ? KafkaError.NONE : errorCode, null),
    coordinators: version >= 4 ? request.coordinatorKeys.map((key) => ({ key, ...failed(errorCode, null) })) : [],
  }),
});
