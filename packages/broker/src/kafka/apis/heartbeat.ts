import { KafkaError } from '../error-codes.js';
import { defineKafkaApi } from '../kafka-api.js';
import { heartbeatRequest, heartbeatResponse } from '../messages/heartbeat.js';
import { groupErrorCode } from './group-errors.js';

/** Heartbeat v0-v4: keeps the member's session; REBALANCE_IN_PROGRESS tells it to rejoin. v3+ static members. */
export const heartbeatApi = defineKafkaApi({
  key: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  request: heartbeatRequest,
  response: heartbeatResponse,
  async handle(request, _version, ctx) {
    try {
      await ctx.broker.coordinator.heartbeat(request);
      return { throttleTimeMs: 0, errorCode: KafkaError.NONE };
    } catch (err) {
      return { throttleTimeMs: 0, errorCode: groupErrorCode(err, ctx, 'Heartbeat', request.groupId) };
    }
  },
  errorResponse: (_request, _version, errorCode) => ({ throttleTimeMs: 0, errorCode }),
});
