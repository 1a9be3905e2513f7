import type { TopicPartition } from '@klog/consumer-group';
import type { RequestOf, ResponseOf } from '@klog/protocol';
import type { BrokerContext } from '../broker-context.js';
import type { RequestContext } from '../request-context.js';

/**
 * The consumer-group APIs of the native protocol: thin translations onto the group coordinator, which owns the
 * rules (generations, member ids, ownership of commits). Join may wait for the other members, up to the
 * rebalance timeout, so group clients keep a connection for it apart from their fetches.
 */

/** Native groups get partitions; the opaque assignments of Kafka-protocol groups mean nothing here. */
function partitionsOf(assignment: { type: 'partitions'; partitions: TopicPartition[] } | { type: 'opaque' } | null | undefined): TopicPartition[] | null {
  return assignment?.type === 'partitions' ? assignment.partitions : null;
}

export async function joinGroup(req: RequestOf<'joinGroup'>, ctx: BrokerContext, conn: RequestContext): Promise<ResponseOf<'joinGroup'>> {
  const result = await ctx.coordinator.join({ ...req, clientHost: conn.remoteHost });
  return {
    groupId: result.groupId,
    memberId: result.memberId,
    generationId: result.generationId,
    leaderId: result.leaderId,
    protocolType: result.protocolType,
    protocolName: result.protocolName,
    assignment: partitionsOf(result.assignment) ?? [],
  };
}

export async function syncGroup(req: RequestOf<'syncGroup'>, ctx: BrokerContext): Promise<ResponseOf<'syncGroup'>> {
  const result = await ctx.coordinator.sync(req);
  return {
    generationId: result.generationId,
    protocolType: result.protocolType,
    protocolName: result.protocolName,
    assignment: partitionsOf(result.assignment) ?? [],
  };
}

export async function heartbeat(req: RequestOf<'heartbeat'>, ctx: BrokerContext): Promise<ResponseOf<'heartbeat'>> {
  await ctx.coordinator.heartbeat(req);
  return {};
}

export async function leaveGroup(req: RequestOf<'leaveGroup'>, ctx: BrokerContext): Promise<ResponseOf<'leaveGroup'>> {
  await ctx.coordinator.leave(req);
  return {};
}

export async function offsetCommit(req: RequestOf<'offsetCommit'>, ctx: BrokerContext): Promise<ResponseOf<'offsetCommit'>> {
  await ctx.coordinator.commit(req.groupId, req.memberId ?? '', req.generationId ?? -1, req.offsets);
  return {};
}

export async function offsetFetch(req: RequestOf<'offsetFetch'>, ctx: BrokerContext): Promise<ResponseOf<'offsetFetch'>> {
  return { offsets: await ctx.coordinator.fetchOffsets(req.groupId, req.partitions) };
}

export async function listGroups(_req: RequestOf<'listGroups'>, ctx: BrokerContext): Promise<ResponseOf<'listGroups'>> {
  return { groups: ctx.coordinator.listGroups() };
}

export async function describeGroup(req: RequestOf<'describeGroup'>, ctx: BrokerContext): Promise<ResponseOf<'describeGroup'>> {
  const d = await ctx.coordinator.describeGroup(req.groupId);
  return {
    ...d,
    members: d.members.map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      sessionTimeoutMs: m.sessionTimeoutMs,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      subscription: m.subscription,
      assignment: partitionsOf(m.assignment),
    })),
  };
}

export async function resetOffsets(req: RequestOf<'resetOffsets'>, ctx: BrokerContext): Promise<ResponseOf<'resetOffsets'>> {
  return { offsets: await ctx.coordinator.resetOffsets(req.groupId, req.topic, req.to, req.partitions) };
}

export async function deleteGroup(req: RequestOf<'deleteGroup'>, ctx: BrokerContext): Promise<ResponseOf<'deleteGroup'>> {
  await ctx.coordinator.deleteGroup(req.groupId);
  return {};
}
