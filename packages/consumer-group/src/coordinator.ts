import { KlogError } from '@klog/protocol';
import type { TopicPartition } from './assignors/assignor.js';
import { type Clock, systemClock } from './clock.js';
import { describeGroup } from './describe.js';
import { Group, type GroupContext } from './group.js';
import { type Logger, silentLogger } from './logger.js';
import { OffsetsLog } from './offsets/offsets-log.js';
import type { GroupStore } from './store-port.js';
import type {
  CommittedOffset,
  GroupDescription,
  GroupListing,
  JoinRequest,
  JoinResult,
  OffsetCommit,
  ResetTarget,
  SyncRequest,
  SyncResult,
} from './types.js';
import { checkPartition, type MembershipLimits, toCommitEntries, toJoinSpec, validateGroupId } from './validate.js';

export interface GroupCoordinatorOptions {
  clock?: Clock;
  logger?: Logger;
  /** Size of __consumer_offsets that triggers snapshot compaction (default 16 MiB). */
  offsetsSnapshotBytes?: number;
  /** Kafka's group.min/max.session.timeout.ms (defaults 6 s and 30 min). */
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
  /** Used when a join does not say (defaults 45 s and 60 s, or the session timeout if longer). */
  defaultSessionTimeoutMs?: number;
  defaultRebalanceTimeoutMs?: number;
  /**
   * Kafka's group.initial.rebalance.delay.ms: after the first join into an Empty group, wait this long for more
   * members before forming the generation, to avoid one rebalance per starting member. Default 0 (form at once).
   */
  initialRebalanceDelayMs?: number;
}

/**
 * The group coordinator: every consumer group of one store, their membership and their committed offsets.
 * Pure logic over a LogStore (no sockets, time from the injected clock): the broker's request handlers and a
 * Kafka-protocol listener call these methods. Client mistakes are always KlogErrors with a code (as rejected
 * promises, never synchronous throws).
 *
 * Membership is not persisted: after a restart members get UNKNOWN_MEMBER_ID and rejoin (committed offsets are
 * persisted, so no progress is lost).
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private closed = false;

  private constructor(
    private readonly store: GroupStore,
    private readonly offsets: OffsetsLog,
    private readonly ctx: GroupContext,
    private readonly limits: MembershipLimits,
  ) {}

  static async open(store: GroupStore, opts: GroupCoordinatorOptions = {}): Promise<GroupCoordinator> {
    const clock = opts.clock ?? systemClock;
    const logger = opts.logger ?? silentLogger;
    const offsets = await OffsetsLog.open(store, {
      clock,
      logger,
      snapshotBytes: opts.offsetsSnapshotBytes ?? 16 * 1024 * 1024,
    });
    const ctx: GroupContext = {
      clock,
      logger,
      initialRebalanceDelayMs: opts.initialRebalanceDelayMs ?? 0,
      topics: () => new Map(store.listTopics().map((t) => [t, store.partitionCount(t)])),
    };
    return new GroupCoordinator(store, offsets, ctx, {
      minSessionTimeoutMs: opts.minSessionTimeoutMs ?? 6_000,
      maxSessionTimeoutMs: opts.maxSessionTimeoutMs ?? 1_800_000,
      defaultSessionTimeoutMs: opts.defaultSessionTimeoutMs ?? 45_000,
      defaultRebalanceTimeoutMs: opts.defaultRebalanceTimeoutMs ?? 60_000,
    });
  }

  /** Resolves when the next generation forms (or rejects if the member is dropped meanwhile). */
  async join(req: JoinRequest): Promise<JoinResult> {
    this.checkOpen();
    const spec = toJoinSpec(req, this.limits);
    let group = this.groups.get(req.groupId);
    if (group === undefined) this.groups.set(req.groupId, (group = new Group(req.groupId, this.ctx)));
    return group.join(spec);
  }

  /** Opaque groups: the leader's sync carries everyone's assignment; all syncs resolve once it arrives. */
  async sync(req: SyncRequest): Promise<SyncResult> {
    return this.memberGroup(req.groupId, req.memberId).sync(req);
  }

  async heartbeat(req: { groupId: string; memberId: string; generationId: number; groupInstanceId?: string | null }): Promise<void> {
    this.memberGroup(req.groupId, req.memberId).heartbeat(req.memberId, req.generationId, req.groupInstanceId ?? null);
  }

  /** memberId '' with a groupInstanceId: the static instance's current member leaves (Kafka's LeaveGroup v3+). */
  async leave(req: { groupId: string; memberId: string; groupInstanceId?: string | null }): Promise<void> {
    this.memberGroup(req.groupId, req.memberId).leave(req.memberId, req.groupInstanceId ?? null);
  }

  /**
   * Resolves once the offsets are appended to __consumer_offsets (under the store's fsync policy). memberId ''
   * with generationId -1 commits for a group with no members (simple consumers, admin tools).
   */
  async commit(groupId: string, memberId: string, generationId: number, offsets: OffsetCommit[], groupInstanceId: string | null = null): Promise<void> {
    this.checkOpen();
    validateGroupId(groupId);
    const entries = toCommitEntries(this.store, offsets);
    (this.groups.get(groupId) ?? new Group(groupId, this.ctx)).checkCommit(memberId, generationId, entries, groupInstanceId);
    await this.offsets.commit(groupId, entries);
  }

  /** The requested partitions (-1 where nothing is committed), or every committed partition of the group. */
  async fetchOffsets(groupId: string, partitions?: TopicPartition[]): Promise<CommittedOffset[]> {
    this.checkOpen();
    validateGroupId(groupId);
    if (partitions === undefined) {
      return this.offsets.committed(groupId).map((c) => ({ topic: c.topic, partition: c.partition, offset: c.value.offset, metadata: c.value.metadata }));
    }
    return partitions.map((tp) => {
      const c = this.offsets.get(groupId, tp.topic, tp.partition);
      return { topic: tp.topic, partition: tp.partition, offset: c?.offset ?? -1, metadata: c?.metadata ?? '' };
    });
  }

  /** Groups with members or committed offsets, sorted by id. */
  listGroups(): GroupListing[] {
    this.checkOpen();
    const ids = new Set([...this.groups.keys(), ...this.offsets.groups()]);
    return [...ids].sort().map((groupId) => {
      const group = this.groups.get(groupId);
      return {
        groupId,
        state: group?.state ?? 'Empty',
        protocolType: group?.protocolType ?? '',
        members: group?.members.size ?? 0,
      };
    });
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    this.checkOpen();
    validateGroupId(groupId);
    return describeGroup(this.existingGroup(groupId), this.offsets, this.store);
  }

  /**
   * Move the group's committed offsets (all partitions of the topic, or the given ones) — only while the group
   * has no members, as Kafka's tool requires. An explicit offset is clamped into [logStart, logEnd]; a timestamp
   * resolves to the first offset at or after it, or the log end when there is none. With `dryRun` the new
   * offsets are computed and returned but not committed (a preview for an operator to confirm).
   */
  async resetOffsets(groupId: string, topic: string, to: ResetTarget, partitions?: number[], opts: { dryRun?: boolean } = {}): Promise<CommittedOffset[]> {
    this.checkOpen();
    validateGroupId(groupId);
    this.checkNoMembers(groupId, 'reset its offsets');
    const targets = partitions ?? Array.from({ length: this.store.partitionCount(topic) }, (_, p) => p);
    const entries = [];
    for (const partition of targets) {
      checkPartition(this.store, { topic, partition });
      entries.push({ topic, partition, offset: await this.resetOffset(topic, partition, to), metadata: '' });
    }
    if (!opts.dryRun) await this.offsets.commit(groupId, entries);
    return entries;
  }

  /** Delete a group without members, with its committed offsets. */
  async deleteGroup(groupId: string): Promise<void> {
    this.checkOpen();
    validateGroupId(groupId);
    this.existingGroup(groupId);
    this.checkNoMembers(groupId, 'be deleted');
    this.groups.get(groupId)?.shutdown('group deleted');
    this.groups.delete(groupId);
    await this.offsets.deleteGroup(groupId);
  }

  /**
   * Delete some of a group's committed offsets (Kafka's OffsetDelete). The group must exist (GROUP_ID_NOT_FOUND);
   * a group with members whose subscriptions klog cannot read is refused whole (NON_EMPTY_GROUP); a partition of
   * a topic the members consume answers GROUP_SUBSCRIBED_TO_TOPIC and keeps its offset. Each partition's outcome
   * (null: deleted, or had nothing committed) is returned in the order asked.
   */
  async deleteOffsets(groupId: string, partitions: TopicPartition[]): Promise<(TopicPartition & { error: KlogError | null })[]> {
    this.checkOpen();
    validateGroupId(groupId);
    const group = this.existingGroup(groupId);
    const subscribed = group.subscribedTopics();
    if (subscribed === null) {
      throw new KlogError('NON_EMPTY_GROUP', `group ${groupId} has members whose subscriptions klog cannot read; its offsets can only be deleted when empty`);
    }
    const outcomes = partitions.map((tp) => {
      try {
        checkPartition(this.store, tp);
      } catch (err) {
        if (err instanceof KlogError) return { ...tp, error: err };
        throw err;
      }
      const error = subscribed.has(tp.topic)
        ? new KlogError('GROUP_SUBSCRIBED_TO_TOPIC', `a member of group ${groupId} consumes topic ${tp.topic}`)
        : null;
      return { ...tp, error };
    });
    await this.offsets.deletePartitions(groupId, outcomes.filter((o) => o.error === null));
    return outcomes;
  }

  /**
   * The broker calls this when it deletes a topic: every group's committed offsets of it go too, as with Kafka.
   * Kept, they would apply to a topic re-created under the same name, whose offsets start again at 0: a group
   * would start past the new records and skip them.
   */
  async deleteTopicOffsets(topic: string): Promise<void> {
    this.checkOpen();
    await this.offsets.deleteTopic(topic);
  }

  /**
   * The broker calls this after a topic is created or deleted or its partition count changes: native groups
   * whose subscribed topics (names or pattern matches) or their partition counts changed rebalance. Kafka-protocol
   * groups are left alone: their clients watch metadata and rejoin themselves, as with Kafka.
   */
  onTopicsChanged(): void {
    if (this.closed) return;
    for (const group of this.groups.values()) group.onTopicsChanged();
  }

  /** Stops all timers, answers waiting joins and syncs with COORDINATOR_NOT_AVAILABLE, waits for pending commits. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const group of this.groups.values()) group.shutdown('coordinator closed');
    this.groups.clear();
    await this.offsets.drain();
  }

  private async resetOffset(topic: string, partition: number, to: ResetTarget): Promise<number> {
    const start = this.store.logStartOffset(topic, partition);
    const end = this.store.logEndOffset(topic, partition);
    if (to === 'earliest') return start;
    if (to === 'latest') return end;
    if (typeof to === 'object' && to !== null && 'offset' in to && Number.isSafeInteger(to.offset)) {
      return Math.min(end, Math.max(start, to.offset));
    }
    if (typeof to === 'object' && to !== null && 'timestamp' in to && Number.isFinite(to.timestamp)) {
      return (await this.store.offsetForTimestamp(topic, partition, to.timestamp)) ?? end;
    }
    throw new KlogError('INVALID_COMMIT_OFFSET', `reset target must be 'earliest', 'latest', { offset } or { timestamp }`);
  }

  private checkOpen(): void {
    if (this.closed) throw new KlogError('COORDINATOR_NOT_AVAILABLE', 'the group coordinator is closed');
  }

  private checkNoMembers(groupId: string, action: string): void {
    const members = this.groups.get(groupId)?.members.size ?? 0;
    if (members > 0) throw new KlogError('NON_EMPTY_GROUP', `group ${groupId} has ${members} member(s); it can only ${action} when empty`);
  }

  private existingGroup(groupId: string): Group {
    const group = this.groups.get(groupId);
    if (group !== undefined) return group;
    if (this.offsets.groups().includes(groupId)) return new Group(groupId, this.ctx);
    throw new KlogError('GROUP_ID_NOT_FOUND', `group ${groupId} does not exist`);
  }

  /** The group of a request that names a member: an unknown group means an unknown member, as in Kafka. */
  private memberGroup(groupId: string, memberId: string): Group {
    this.checkOpen();
    validateGroupId(groupId);
    const group = this.groups.get(groupId);
    if (group === undefined) {
      throw new KlogError('UNKNOWN_MEMBER_ID', `member ${JSON.stringify(memberId)} is not in group ${groupId}; rejoin without a member id`);
    }
    return group;
  }
}
