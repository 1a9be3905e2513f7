import type { GroupCoordinator, GroupDescription } from '@klog/consumer-group';
import { isKlogError } from '@klog/log-core';

/** Every group's description; a group deleted between the listing and its description is simply left out. */
export async function describeGroups(coordinator: GroupCoordinator): Promise<GroupDescription[]> {
  const out: GroupDescription[] = [];
  for (const { groupId } of coordinator.listGroups()) {
    try {
      out.push(await coordinator.describeGroup(groupId));
    } catch (err) {
      if (!isKlogError(err, 'GROUP_ID_NOT_FOUND')) throw err;
    }
  }
  return out;
}
