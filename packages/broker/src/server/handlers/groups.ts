import type { ResetTarget, Subscription } from '@klog/consumer-group';
import { KlogError } from '@klog/log-core';
import { int, obj, objects, optStr, str, strings } from '@klog/protocol';
import type { BrokerContext } from '../broker-context.js';
import type { RequestContext } from '../dispatch.js';

type Req = Record<string, unknown>;
type Res = Promise<Record<string, unknown>>;

/**
 * The consumer-group APIs of the native protocol: thin translations onto the group coordinator, which owns the
 * rules (generations, member ids, ownership of commits). Join may wait for the other members, up to the
 * rebalance timeout, so group clients keep a connection for it apart from their fetches.
 */
function subscriptionOf(req: Record<string, unknown>): Subscription {
  const s = obj(req.subscription, 'joinGroup.subscription');
  if (s.pattern !== undefined) return { pattern: str(s, 'pattern', 'joinGroup.subscription') };
  return { topics: strings(s, 'topics', 'joinGroup.subscription') };
}

function resetTargetOf(req: Record<string, unknown>): ResetTarget {
  const to = req.to;
  if (to === 'earliest' || to === 'latest') return to;
  const o = obj(to, 'resetOffsets.to');
  if (o.offset !== undefined) return { offset: int(o, 'offset', 'resetOffsets.to', { min: 0 }) };
  return { timestamp: int(o, 'timestamp', 'resetOffsets.to') };
}

function partitionsOf(req: Record<string, unknown>, path: string): { topic: string; partition: number }[] | undefined {
  if (req.partitions === undefined || req.partitions === null) return undefined;
  return objects(req, 'partitions', path).map(([p, pPath]) => ({ topic: str(p, 'topic', pPath), partition: int(p, 'partition', pPath) }));
}

export async function joinGroup(req: Req, ctx: BrokerContext, conn: RequestContext): Res {
  const result = await ctx.coordinator.join({
    groupId: str(req, 'groupId', 'joinGroup'),
    memberId: optStr(req, 'memberId', 'joinGroup'),
    clientId: optStr(req, 'clientId', 'joinGroup'),
    clientHost: conn.remoteHost,
    sessionTimeoutMs: req.sessionTimeoutMs === undefined ? undefined : int(req, 'sessionTimeoutMs', 'joinGroup'),
    rebalanceTimeoutMs: req.rebalanceTimeoutMs === undefined ? undefined : int(req, 'rebalanceTimeoutMs', 'joinGroup'),
    subscription: subscriptionOf(req),
    assignors: req.assignors === undefined ? undefined : strings(req, 'assignors', 'joinGroup'),
  });
  return { ...result, assignment: result.assignment?.type === 'partitions' ? result.assignment.partitions : [] };
}

export async function syncGroup(req: Req, ctx: BrokerContext): Res {
  const result = await ctx.coordinator.sync({
    groupId: str(req, 'groupId', 'syncGroup'),
    memberId: str(req, 'memberId', 'syncGroup'),
    generationId: int(req, 'generationId', 'syncGroup'),
  });
  return { ...result, assignment: result.assignment.type === 'partitions' ? result.assignment.partitions : [] };
}

export async function heartbeat(req: Req, ctx: BrokerContext): Res {
  await ctx.coordinator.heartbeat({
    groupId: str(req, 'groupId', 'heartbeat'),
    memberId: str(req, 'memberId', 'heartbeat'),
    generationId: int(req, 'generationId', 'heartbeat'),
  });
  return {};
}

export async function leaveGroup(req: Req, ctx: BrokerContext): Res {
  await ctx.coordinator.leave({ groupId: str(req, 'groupId', 'leaveGroup'), memberId: str(req, 'memberId', 'leaveGroup') });
  return {};
}

export async function offsetCommit(req: Req, ctx: BrokerContext): Res {
  const offsets = objects(req, 'offsets', 'offsetCommit').map(([o, path]) => ({
    topic: str(o, 'topic', path),
    partition: int(o, 'partition', path, { min: 0 }),
    offset: int(o, 'offset', path, { min: 0 }),
    metadata: optStr(o, 'metadata', path),
  }));
  await ctx.coordinator.commit(str(req, 'groupId', 'offsetCommit'), str(req, 'memberId', 'offsetCommit', { default: '' }),
    int(req, 'generationId', 'offsetCommit', { default: -1 }), offsets);
  return {};
}

export async function offsetFetch(req: Req, ctx: BrokerContext): Res {
  const offsets = await ctx.coordinator.fetchOffsets(str(req, 'groupId', 'offsetFetch'), partitionsOf(req, 'offsetFetch'));
  return { offsets };
}

export async function listGroups(_req: Req, ctx: BrokerContext): Res {
  return { groups: ctx.coordinator.listGroups() };
}

export async function describeGroup(req: Req, ctx: BrokerContext): Res {
  const d = await ctx.coordinator.describeGroup(str(req, 'groupId', 'describeGroup'));
  return {
    ...d,
    members: d.members.map((m) => ({
      ...m,
      assignment: m.assignment?.type === 'partitions' ? m.assignment.partitions : null,
      metadata: undefined,
    })),
  };
}

export async function resetOffsets(req: Req, ctx: BrokerContext): Res {
  if (req.partitions !== undefined && req.partitions !== null && !Array.isArray(req.partitions)) {
    throw new KlogError('INVALID_REQUEST', 'resetOffsets.partitions must be an array of partition numbers');
  }
  const partitions = req.partitions === undefined || req.partitions === null ? undefined
    : (req.partitions as unknown[]).map((p, i) => {
      if (!Number.isSafeInteger(p)) throw new KlogError('INVALID_REQUEST', `resetOffsets.partitions[${i}] must be an integer`);
      return p as number;
    });
  const offsets = await ctx.coordinator.resetOffsets(str(req, 'groupId', 'resetOffsets'), str(req, 'topic', 'resetOffsets'),
    resetTargetOf(req), partitions);
  return { offsets };
}

export async function deleteGroup(req: Req, ctx: BrokerContext): Res {
  await ctx.coordinator.deleteGroup(str(req, 'groupId', 'deleteGroup'));
  return {};
}

