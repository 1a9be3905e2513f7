import type { GroupDescription } from '@klog/consumer-group';
import { isKlogError } from '@klog/log-core';
import { OPERATIONS_NOT_GIVEN } from '../authorized-operations.js';
import { KafkaError } from '../error-codes.js';
import { defineKafkaApi } from '../kafka-api.js';
import { describeGroupsRequest, describeGroupsResponse } from '../messages/describe-groups.js';
import type { Infer } from '../schema/schema.js';
import { groupErrorCode } from './group-errors.js';

type DescribedGroup = Infer<typeof describeGroupsResponse>['groups'][number];

const EMPTY = Buffer.alloc(0);
/** Kafka's group operations READ (3), DELETE (6) and DESCRIBE (8): all allowed, klog has no ACLs. */
const ALL_GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);

/**
 * DescribeGroups v0-v5: state, protocol and members with their opaque metadata and assignment (native members:
 * empty bytes); v4+ each member's static instance id; v3+ authorized operations when asked. A group klog does
 * not know is described as Kafka does it up to v5: no error, state "Dead", nothing else.
 */
export const describeGroupsApi = defineKafkaApi({
  key: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  request: describeGroupsRequest,
  response: describeGroupsResponse,
  async handle(request, _version, ctx) {
    const operations = request.includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : OPERATIONS_NOT_GIVEN;
    const groups: DescribedGroup[] = [];
    for (const groupId of request.groups) {
      try {
        groups.push(described(await ctx.broker.coordinator.describeGroup(groupId), operations));
      } catch (err) {
        const errorCode = isKlogError(err, 'GROUP_ID_NOT_FOUND') ? KafkaError.NONE : groupErrorCode(err, ctx, 'DescribeGroups', groupId);
        groups.push(dead(groupId, errorCode));
      }
    }
    return { throttleTimeMs: 0, groups };
  },
  errorResponse: (request, _version, errorCode) => ({ throttleTimeMs: 0, groups: request.groups.map((groupId) => dead(groupId, errorCode)) }),
});

function described(group: GroupDescription, authorizedOperations: number): DescribedGroup {
  return {
    errorCode: KafkaError.NONE,
    groupId: group.groupId,
    groupState: group.state,
    protocolType: group.protocolType,
    protocolData: group.protocolName ?? '',
    members: group.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId ?? null,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: m.metadata ?? EMPTY,
      memberAssignment: m.assignment?.type === 'opaque' ? m.assignment.data : EMPTY,
    })),
    authorizedOperations,
  };
}

function dead(groupId: string, errorCode: number): DescribedGroup {
  return { errorCode, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [], authorizedOperations: OPERATIONS_NOT_GIVEN };
}
