import { KafkaError } from '../error-codes.js';
import { defineKafkaApi } from '../kafka-api.js';
import { deleteGroupsRequest, deleteGroupsResponse } from '../messages/delete-groups.js';
import { groupErrorCode } from './group-errors.js';

/**
 * DeleteGroups v0-v2: each group with its committed offsets, through the coordinator's deleteGroup (the one
 * `klog group delete` uses). A group with members: NON_EMPTY_GROUP (68); one klog does not know:
 * GROUP_ID_NOT_FOUND (69). Each group is answered on its own.
 */
export const deleteGroupsApi = defineKafkaApi({
  key: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  request: deleteGroupsRequest,
  response: deleteGroupsResponse,
  async handle(request, _version, ctx) {
    const results = [];
    for (const groupId of request.groupsNames) {
      try {
        await ctx.broker.coordinator.deleteGroup(groupId);
        results.push({ groupId, errorCode: KafkaError.NONE });
      } catch (err) {
        results.push({ groupId, errorCode: groupErrorCode(err, ctx, 'DeleteGroups', groupId) });
      }
    }
    return { throttleTimeMs: 0, results };
  },
  errorResponse: (request, _version, errorCode) => ({ throttleTimeMs: 0, results: request.groupsNames.map((groupId) => ({ groupId, errorCode })) }),
});
