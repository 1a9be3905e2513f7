import { KafkaError } from '../error-codes.js';
import { defineKafkaApi } from '../kafka-api.js';
import { listGroupsRequest, listGroupsResponse } from '../messages/list-groups.js';

/** Every klog group runs Kafka's classic protocol (or klog's native one, which is of the same kind). */
const GROUP_TYPE = 'classic';

/**
 * ListGroups v0-v5: every group with members or committed offsets, native ones included (protocol type "klog").
 * v4+ filter by state and answer it; v5+ filter by type and answer it ("classic" for all). Filters match without
 * regard to case, as Kafka's do; an empty filter keeps every group.
 */
export const listGroupsApi = defineKafkaApi({
  key: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 5,
  request: listGroupsRequest,
  response: listGroupsResponse,
  async handle(request, _version, ctx) {
    const states = new Set(request.statesFilter.map((s) => s.toLowerCase()));
    const types = new Set(request.typesFilter.map((t) => t.toLowerCase()));
    const groups = ctx.broker.coordinator.listGroups()
      .filter((g) => (states.size === 0 || states.has(g.state.toLowerCase())) && (types.size === 0 || types.has(GROUP_TYPE)))
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state, groupType: GROUP_TYPE }));
    return { throttleTimeMs: 0, errorCode: KafkaError.NONE, groups };
  },
  errorResponse: (_request, _version, errorCode) => ({ throttleTimeMs: 0, errorCode, groups: [] }),
});
