import { MemberIdRequiredError, NATIVE_PROTOCOL_TYPE } from '@klog/consumer-group';
import { KlogError } from '@klog/log-core';
import { KafkaError } from '../error-codes.js';
import { defineKafkaApi } from '../kafka-api.js';
import { joinGroupRequest, joinGroupResponse } from '../messages/join-group.js';
import type { Infer } from '../schema/schema.js';
import { groupErrorCode } from './group-errors.js';

type JoinGroupResponse = Infer<typeof joinGroupResponse>;

/**
 * JoinGroup v0-v9, onto the group coordinator (Kafka's classic protocol; the client leader assigns). The answer
 * may wait for the other members: fine, Kafka clients keep a connection for the coordinator.
 * - v0 has no rebalance timeout: the session timeout is both, as in Kafka.
 * - v4+: a join without a member id is answered MEMBER_ID_REQUIRED (79) with an id to join again with.
 * - v5+: group_instance_id makes a static member: its rejoin replaces the old member id (no rebalance when the
 *   group is Stable) and the old id is fenced (FENCED_INSTANCE_ID, 82).
 * - v7+ answers the protocol type; v8's reason is only logged; v9's skip_assignment tells a replaced static
 *   leader that the group's assignment stands.
 */
export const joinGroupApi = defineKafkaApi({
  key: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,
  request: joinGroupRequest,
  response: joinGroupResponse,
  async handle(request, version, ctx) {
    const { groupId, protocolType } = request;
    try {
      // Native groups have the coordinator assign partitions; a Kafka client cannot take part in one.
      if (protocolType === '' || protocolType === NATIVE_PROTOCOL_TYPE) {
        throw new KlogError('INCONSISTENT_GROUP_PROTOCOL', `protocol type ${JSON.stringify(protocolType)} cannot be used over the Kafka protocol`);
      }
      if (request.reason !== null) ctx.broker.logger.debug({ groupId, memberId: request.memberId, reason: request.reason }, 'JoinGroup reason');
      const result = await ctx.broker.coordinator.join({
        groupId,
        memberId: request.memberId,
        groupInstanceId: request.groupInstanceId,
        requireKnownMemberId: version >= 4,
        sessionTimeoutMs: request.sessionTimeoutMs,
        rebalanceTimeoutMs: version >= 1 ? request.rebalanceTimeoutMs : request.sessionTimeoutMs,
        protocolType,
        // Copied: the coordinator keeps them for the group's lifetime, the request's bytes need not live that long.
        protocols: request.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
        clientId: ctx.clientId ?? '',
        clientHost: ctx.remoteHost,
      });
      return {
        throttleTimeMs: 0,
        errorCode: KafkaError.NONE,
        generationId: result.generationId,
        protocolType: result.protocolType,
        protocolName: result.protocolName,
        leader: result.leaderId,
        skipAssignment: result.skipAssignment === true,
        memberId: result.memberId,
        members: result.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, metadata: m.metadata })),
      };
    } catch (err) {
      if (err instanceof MemberIdRequiredError) return failure(KafkaError.MEMBER_ID_REQUIRED, err.memberId, version);
      return failure(groupErrorCode(err, ctx, 'JoinGroup', groupId), request.memberId, version);
    }
  },
  errorResponse: (request, version, errorCode) => failure(errorCode, request.memberId, version),
});

function failure(errorCode: number, memberId: string, version: number): JoinGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: version >= 7 ? null : '',
    leader: '',
    skipAssignment: false,
    memberId,
    members: [],
  };
}
