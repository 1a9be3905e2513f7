import { KafkaError } from '../error-codes.js';
import { defineKafkaApi } from '../kafka-api.js';
import { leaveGroupRequest, leaveGroupResponse } from '../messages/leave-group.js';
import { groupErrorCode } from './group-errors.js';

/** Failures of the group itself: they answer the whole request, not one member. */
const GROUP_LEVEL = new Set<number>([KafkaError.INVALID_GROUP_ID, KafkaError.COORDINATOR_NOT_AVAILABLE]);

/**
 * LeaveGroup v0-v5. v0-v2: one member. v3+: a batch, each member by member id or by static instance id (member
 * id ""), with an error per member (UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID); the top-level error is the group's.
 * v5's reasons are only logged.
 */
export const leaveGroupApi = defineKafkaApi({
  key: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  request: leaveGroupRequest,
  response: leaveGroupResponse,
  async handle(request, version, ctx) {
    const { groupId } = request;
    if (version < 3) {
      try {
        await ctx.broker.coordinator.leave({ groupId, memberId: request.memberId });
        return { throttleTimeMs: 0, errorCode: KafkaError.NONE, members: [] };
      } catch (err) {
        return { throttleTimeMs: 0, errorCode: groupErrorCode(err, ctx, 'LeaveGroup', groupId), members: [] };
      }
    }
    const members = [];
    for (const m of request.members) {
      let errorCode: number = KafkaError.NONE;
      try {
        if (m.reason !== null) ctx.broker.logger.debug({ groupId, memberId: m.memberId, reason: m.reason }, 'LeaveGroup reason');
        await ctx.broker.coordinator.leave({ groupId, memberId: m.memberId, groupInstanceId: m.groupInstanceId });
      } catch (err) {
        errorCode = groupErrorCode(err, ctx, 'LeaveGroup', groupId);
        if (GROUP_LEVEL.has(errorCode)) return failure(request, errorCode);
      }
      members.push({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode });
    }
    return { throttleTimeMs: 0, errorCode: KafkaError.NONE, members };
  },
  errorResponse: (request, _version, errorCode) => failure(request, errorCode),
});

function failure(request: { members: { memberId: string; groupInstanceId: string | null }[] }, errorCode: number) {
  return { throttleTimeMs: 0, errorCode, members: request.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode })) };
}
