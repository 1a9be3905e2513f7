import { KafkaError } from '../error-codes.js';
import { defineKafkaApi } from '../kafka-api.js';
import { syncGroupRequest, syncGroupResponse } from '../messages/sync-group.js';
import { groupErrorCode } from './group-errors.js';

const NO_ASSIGNMENT = Buffer.alloc(0);

/**
 * SyncGroup v0-v5: the leader's sync carries every member's assignment; each member's sync answers its own.
 * v3+ name the static instance (a stale member id is fenced); v5 sends the protocol type and name, which must be
 * the group's (INCONSISTENT_GROUP_PROTOCOL otherwise), and gets them back.
 */
export const syncGroupApi = defineKafkaApi({
  key: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  request: syncGroupRequest,
  response: syncGroupResponse,
  async handle(request, _version, ctx) {
    const { groupId } = request;
    try {
      const result = await ctx.broker.coordinator.sync({
        groupId,
        generationId: request.generationId,
        memberId: request.memberId,
        groupInstanceId: request.groupInstanceId,
        protocolType: request.protocolType,
        protocolName: request.protocolName,
        assignments: request.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })),
      });
      return {
        throttleTimeMs: 0,
        errorCode: KafkaError.NONE,
        protocolType: result.protocolType,
        protocolName: result.protocolName,
        assignment: result.assignment.type === 'opaque' ? result.assignment.data : NO_ASSIGNMENT,
      };
    } catch (err) {
      return failure(groupErrorCode(err, ctx, 'SyncGroup', groupId));
    }
  },
  errorResponse: (_request, _version, errorCode) => failure(errorCode),
});

function failure(errorCode: number) {
  return { throttleTimeMs: 0, errorCode, protocolType: null, protocolName: null, assignment: NO_ASSIGNMENT };
}
