import { KlogError } from '@klog/protocol';
import type { TopicPartition } from './assignors/assignor.js';
import { assignors } from './assignors/registry.js';
import type { JoinSpec } from './member.js';
import type { GroupStore } from './store-port.js';
import { compileSubscription } from './subscription.js';
import { type JoinRequest, NATIVE_PROTOCOL_TYPE, type OffsetCommit } from './types.js';

export interface MembershipLimits {
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  defaultSessionTimeoutMs: number;
  defaultRebalanceTimeoutMs: number;
}

/** Kafka's offset.metadata.max.bytes default. */
const MAX_OFFSET_METADATA = 4096;

export function validateGroupId(groupId: unknown): asserts groupId is string {
  if (typeof groupId !== 'string' || groupId.length === 0 || groupId.length > 255) {
    throw new KlogError('INVALID_GROUP_ID', `invalid group id ${JSON.stringify(groupId)}: use 1-255 characters`);
  }
}

/** Checks a join request and fills in defaults. Unknown assignor names are dropped (a newer client may list more). */
export function toJoinSpec(req: JoinRequest, limits: MembershipLimits): JoinSpec {
  validateGroupId(req.groupId);
  const sessionTimeoutMs = req.sessionTimeoutMs ?? limits.defaultSessionTimeoutMs;
  if (!Number.isInteger(sessionTimeoutMs) || sessionTimeoutMs < limits.minSessionTimeoutMs || sessionTimeoutMs > limits.maxSessionTimeoutMs) {
    throw new KlogError(
      'INVALID_SESSION_TIMEOUT',
      `session timeout ${sessionTimeoutMs} ms is outside [${limits.minSessionTimeoutMs}, ${limits.maxSessionTimeoutMs}]`,
    );
  }
  const rebalanceTimeoutMs = req.rebalanceTimeoutMs ?? Math.max(sessionTimeoutMs, limits.defaultRebalanceTimeoutMs);
  if (!Number.isInteger(rebalanceTimeoutMs) || rebalanceTimeoutMs < 0) {
    throw new KlogError('INVALID_SESSION_TIMEOUT', `rebalance timeout ${rebalanceTimeoutMs} ms must be a non-negative integer`);
  }
  const protocolType = req.protocolType ?? NATIVE_PROTOCOL_TYPE;
  const common = {
    memberId: req.memberId ? req.memberId : null,
    groupInstanceId: req.groupInstanceId ? req.groupInstanceId : null,
    requireKnownMemberId: req.requireKnownMemberId === true,
    clientId: req.clientId ?? '',
    clientHost: req.clientHost ?? '',
    sessionTimeoutMs,
    rebalanceTimeoutMs,
    protocolType,
  };
  if (protocolType === NATIVE_PROTOCOL_TYPE) {
    const requested = req.assignors ?? ['range'];
    const protocolNames = requested.filter((name) => assignors.has(name));
    if (protocolNames.length === 0) {
      throw new KlogError(
        'INCONSISTENT_GROUP_PROTOCOL',
        `none of the assignors [${requested.join(', ')}] is known; klog has ${[...assignors.keys()].join(', ')}`,
      );
    }
    return { ...common, protocolNames, protocols: [], subscription: compileSubscription(req.subscription) };
  }
  const protocols = req.protocols ?? [];
  if (protocols.length === 0 || !protocols.every((p) => typeof p.name === 'string' && Buffer.isBuffer(p.metadata))) {
    throw new KlogError('INCONSISTENT_GROUP_PROTOCOL', `a ${protocolType} member must list protocols as { name, metadata: Buffer }`);
  }
  return { ...common, protocolNames: protocols.map((p) => p.name), protocols, subscription: null };
}

/** Offsets to commit must name existing partitions and carry a non-negative integer offset. */
export function toCommitEntries(
  store: GroupStore,
  offsets: OffsetCommit[],
): (TopicPartition & { offset: number; metadata: string })[] {
  return offsets.map((o) => {
    checkPartition(store, o);
    if (!Number.isSafeInteger(o.offset) || o.offset < 0) {
      throw new KlogError('INVALID_COMMIT_OFFSET', `offset ${o.offset} for ${o.topic}-${o.partition} must be a non-negative integer`);
    }
    const metadata = o.metadata ?? '';
    if (typeof metadata !== 'string' || Buffer.byteLength(metadata) > MAX_OFFSET_METADATA) {
      throw new KlogError('INVALID_COMMIT_OFFSET', `offset metadata must be a string of at most ${MAX_OFFSET_METADATA} bytes`);
    }
    return { topic: o.topic, partition: o.partition, offset: o.offset, metadata };
  });
}

/** The partition exists (the store's own errors: UNKNOWN_TOPIC, or UNKNOWN_PARTITION here). */
export function checkPartition(store: GroupStore, tp: TopicPartition): void {
  const count = store.partitionCount(tp.topic);
  if (!Number.isInteger(tp.partition) || tp.partition < 0 || tp.partition >= count) {
    throw new KlogError('UNKNOWN_PARTITION', `topic ${tp.topic} has no partition ${tp.partition} (it has ${count})`);
  }
}
