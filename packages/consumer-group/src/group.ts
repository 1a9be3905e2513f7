import { randomUUID } from 'node:crypto';
import { KlogError } from '@klog/protocol';
import type { TopicPartition } from './assignors/assignor.js';
import { assignors } from './assignors/registry.js';
import type { Clock } from './clock.js';
import { deferred } from './deferred.js';
import type { Logger } from './logger.js';
import { type JoinSpec, type Member, newMember, updateMember } from './member.js';
import { decodeConsumerSubscription, KAFKA_CONSUMER_PROTOCOL_TYPE } from './consumer-protocol.js';
import { resolveTopics } from './subscription.js';
import {
  type GroupState,
  type JoinResult,
  type MemberAssignment,
  NATIVE_PROTOCOL_TYPE,
  type SyncRequest,
  type SyncResult,
} from './types.js';

export interface GroupContext {
  clock: Clock;
  logger: Logger;
  /** How long an Empty group waits after its first join for others to arrive before forming a generation. */
  initialRebalanceDelayMs: number;
  /** Existing topics with their partition counts: native groups resolve subscriptions against this. */
  topics(): Map<string, number>;
}

const EMPTY_ASSIGNMENT: Buffer = Buffer.alloc(0);

/**
 * One consumer group's membership, as a state machine in the spirit of Kafka's classic group protocol:
 *
 *   Empty --join--> PreparingRebalance --all known members joined, or rebalance timeout--> (generation + 1)
 *     native groups: Stable (the coordinator computed the assignment)
 *     opaque groups: CompletingRebalance --leader's sync--> Stable
 *   Stable / CompletingRebalance --join, leave, session expiry, subscribed topics changed--> PreparingRebalance
 *   a generation that forms with nobody left --> Empty;  close or delete --> Dead
 *
 * Everything here is synchronous except the join and sync answers, which wait for the group; time comes from
 * the injected clock only.
 */
export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  /** Insertion order is join order: the first member's preferences choose the protocol. */
  members = new Map<string, Member>();
  /** Static members: group.instance.id → its current member id. */
  readonly instances = new Map<string, string>();
  /** Ids handed out with MEMBER_ID_REQUIRED, waiting (one session timeout) for their member's second join. */
  private readonly pendingMemberIds = new Map<string, unknown>();
  private rebalanceTimer: unknown = undefined;
  private initialDelayTimer: unknown = undefined;
  /** Native groups: the subscribed topics and partition counts the current assignment was computed from. */
  private assignedView = '';

  constructor(
    readonly groupId: string,
    private readonly ctx: GroupContext,
  ) {}

  get isNative(): boolean {
    return this.protocolType === NATIVE_PROTOCOL_TYPE;
  }

  join(spec: JoinSpec): Promise<JoinResult> {
    this.checkProtocolFits(spec);
    let member: Member;
    const staticId = spec.groupInstanceId === null ? undefined : this.instances.get(spec.groupInstanceId);
    if (spec.memberId !== null) {
      if (staticId !== undefined && staticId !== spec.memberId) throw fenced(this.groupId, spec.groupInstanceId!, spec.memberId);
      const known = this.members.get(spec.memberId);
      if (known !== undefined) {
        member = known;
        updateMember(member, spec);
      } else if (this.pendingMemberIds.has(spec.memberId)) {
        this.clearPendingMemberId(spec.memberId);
        member = this.addMember(newMember(spec.memberId, spec));
      } else {
        throw unknownMember(this.groupId, spec.memberId);
      }
    } else if (staticId !== undefined) {
      const replaced = this.replaceStaticMember(staticId, spec);
      if (replaced !== null) return Promise.resolve(replaced);
      member = this.members.get(this.instances.get(spec.groupInstanceId!)!)!;
    } else if (spec.requireKnownMemberId && spec.groupInstanceId === null) {
      const memberId = newMemberId(spec);
      this.pendingMemberIds.set(memberId, this.ctx.clock.setTimeout(() => this.pendingMemberIds.delete(memberId), spec.sessionTimeoutMs));
      throw new MemberIdRequiredError(this.groupId, memberId);
    } else {
      member = this.addMember(newMember(newMemberId(spec), spec));
    }
    this.protocolType = spec.protocolType;
    this.clearSessionTimer(member);
    member.pendingJoin?.reject(new KlogError('REBALANCE_IN_PROGRESS', 'superseded by a newer join from the same member'));
    const answer = deferred<JoinResult>();
    member.pendingJoin = answer;
    if (this.state !== 'PreparingRebalance') this.prepareRebalance(`member ${member.memberId} joined`);
    this.maybeCompleteJoin();
    return answer.promise;
  }

  sync(req: SyncRequest): Promise<SyncResult> {
    this.checkInstance(req.memberId, req.groupInstanceId ?? null);
    const member = this.currentMember(req.memberId, req.generationId);
    if ((req.protocolType != null && req.protocolType !== this.protocolType) || (req.protocolName != null && req.protocolName !== this.protocolName)) {
      throw new KlogError(
        'INCONSISTENT_GROUP_PROTOCOL',
        `group ${this.groupId} uses ${this.protocolType}/${this.protocolName}, the sync named ${req.protocolType}/${req.protocolName}`,
      );
    }
    if (this.state === 'PreparingRebalance') throw rebalancing(this.groupId);
    if (this.state === 'Stable') return Promise.resolve(this.syncResult(member));
    // CompletingRebalance: wait for the leader's assignments.
    this.startSessionTimer(member);
    member.pendingSync?.reject(new KlogError('REBALANCE_IN_PROGRESS', 'superseded by a newer sync from the same member'));
    const answer = deferred<SyncResult>();
    member.pendingSync = answer;
    if (member.memberId === this.leaderId) this.applyLeaderAssignments(req.assignments ?? []);
    return answer.promise;
  }

  heartbeat(memberId: string, generationId: number, groupInstanceId: string | null = null): void {
    this.checkInstance(memberId, groupInstanceId);
    const member = this.currentMember(memberId, generationId);
    if (member.pendingJoin === null) this.startSessionTimer(member);
    if (this.state === 'PreparingRebalance') throw rebalancing(this.groupId);
  }

  /**
   * A member leaves. Kafka's LeaveGroup v3+ may name a static member by its instance id alone (member id ""):
   * the instance's current member leaves; a member id that is not the instance's current one is fenced.
   */
  leave(memberId: string, groupInstanceId: string | null = null): void {
    if (groupInstanceId !== null) {
      const current = this.instances.get(groupInstanceId);
      if (current === undefined) throw unknownMember(this.groupId, memberId);
      if (memberId !== '' && memberId !== current) throw fenced(this.groupId, groupInstanceId, memberId);
      memberId = current;
    }
    if (!this.members.has(memberId)) throw unknownMember(this.groupId, memberId);
    this.removeMember(memberId, 'left the group');
  }

  /** A stale member id of a static instance (another consumer took the instance id over): FENCED_INSTANCE_ID. */
  checkInstance(memberId: string, groupInstanceId: string | null): void {
    if (groupInstanceId === null) return;
    const current = this.instances.get(groupInstanceId);
    if (current !== undefined && current !== memberId) throw fenced(this.groupId, groupInstanceId, memberId);
  }

  /**
   * The topics the members consume, for OffsetDelete: native groups from their subscriptions, Kafka consumer
   * groups from the members' ConsumerProtocol subscriptions; null when the protocol is opaque to klog.
   */
  subscribedTopics(): Set<string> | null {
    const topics = new Set<string>();
    if (this.members.size === 0) return topics;
    for (const m of this.members.values()) {
      if (this.isNative) {
        for (const t of resolveTopics(m.subscription!, [...this.ctx.topics().keys()])) topics.add(t);
        continue;
      }
      if (this.protocolType !== KAFKA_CONSUMER_PROTOCOL_TYPE) return null;
      const own = m.protocols.find((p) => p.name === this.protocolName) ?? m.protocols[0];
      const decoded = own === undefined ? null : decodeConsumerSubscription(own.metadata);
      if (decoded === null) return null;
      for (const t of decoded) topics.add(t);
    }
    return topics;
  }

  /**
   * May this caller commit offsets for these partitions now? Kafka's rules: anyone may commit with generation -1
   * to a group without members (simple consumers, admin tools); otherwise only a member of the current
   * generation, and not while the leader is still assigning. Native groups also refuse partitions the member
   * does not own in this generation. A member's commit counts as a heartbeat.
   */
  checkCommit(memberId: string, generationId: number, partitions: TopicPartition[], groupInstanceId: string | null = null): void {
    if (this.state === 'Dead') throw new KlogError('COORDINATOR_NOT_AVAILABLE', `group ${this.groupId} is being deleted`);
    if (generationId < 0 && this.members.size === 0) return;
    this.checkInstance(memberId, groupInstanceId);
    if (this.state === 'CompletingRebalance') throw rebalancing(this.groupId);
    const member = this.currentMember(memberId, generationId);
    if (this.isNative && member.assignment?.type === 'partitions') {
      const owned = new Set(member.assignment.partitions.map((tp) => `${tp.partition}@${tp.topic}`));
      const foreign = partitions.find((tp) => !owned.has(`${tp.partition}@${tp.topic}`));
      if (foreign !== undefined) {
        throw new KlogError(
          'PARTITION_NOT_ASSIGNED',
          `member ${memberId} does not own ${foreign.topic}-${foreign.partition} in generation ${generationId} of group ${this.groupId}`,
        );
      }
    }
    if (member.pendingJoin === null) this.startSessionTimer(member);
  }

  /** The broker reports topic changes; a native group rebalances when its subscribed view changed. */
  onTopicsChanged(): void {
    if (!this.isNative || this.state !== 'Stable') return;
    const { view } = this.assignorInput(this.ctx.topics());
    if (view !== this.assignedView) this.prepareRebalance('subscribed topics changed');
  }

  /** Owner of each partition in this generation, when the coordinator knows the assignment (native groups). */
  owners(): Map<string, { memberId: string; tp: TopicPartition }> {
    const owners = new Map<string, { memberId: string; tp: TopicPartition }>();
    for (const m of this.members.values()) {
      if (m.assignment?.type !== 'partitions') continue;
      for (const tp of m.assignment.partitions) owners.set(`${tp.partition}@${tp.topic}`, { memberId: m.memberId, tp });
    }
    return owners;
  }

  /** Close or delete: stop every timer and answer every waiting request. */
  shutdown(reason: string): void {
    this.clearTimer('rebalanceTimer');
    this.clearTimer('initialDelayTimer');
    const err = new KlogError('COORDINATOR_NOT_AVAILABLE', `group ${this.groupId}: ${reason}`);
    for (const m of this.members.values()) {
      this.clearSessionTimer(m);
      m.pendingJoin?.reject(err);
      m.pendingSync?.reject(err);
      m.pendingJoin = m.pendingSync = null;
    }
    this.members.clear();
    this.instances.clear();
    for (const id of [...this.pendingMemberIds.keys()]) this.clearPendingMemberId(id);
    this.state = 'Dead';
  }

  private addMember(member: Member): Member {
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.instances.set(member.groupInstanceId, member.memberId);
    return member;
  }

  private clearPendingMemberId(memberId: string): void {
    this.ctx.clock.clearTimeout(this.pendingMemberIds.get(memberId));
    this.pendingMemberIds.delete(memberId);
  }

  /**
   * A static member joins again without its member id (a restarted consumer): it takes the old member's place
   * under a new id, keeping its position (leadership, join order) and assignment; the old id is fenced. In a
   * Stable group, when its metadata for the group's protocol (its subscription) is unchanged, this is all: the
   * answer, returned here, is the current generation, no rebalance. Otherwise the new member goes through the
   * join like any other (null returned), which rebalances the group, as in Kafka.
   */
  private replaceStaticMember(oldId: string, spec: JoinSpec): JoinResult | null {
    const old = this.members.get(oldId)!;
    const member = newMember(newMemberId(spec), spec);
    member.assignment = old.assignment;
    const err = fenced(this.groupId, spec.groupInstanceId!, oldId);
    this.clearSessionTimer(old);
    old.pendingJoin?.reject(err);
    old.pendingSync?.reject(err);
    old.pendingJoin = old.pendingSync = null;
    this.members = new Map([...this.members].map(([id, m]) => (id === oldId ? [member.memberId, member] : [id, m])));
    this.instances.set(spec.groupInstanceId!, member.memberId);
    if (this.leaderId === oldId) this.leaderId = member.memberId;
    this.ctx.logger.info({ groupId: this.groupId, groupInstanceId: spec.groupInstanceId, oldId, memberId: member.memberId }, 'static member replaced');
    const metadataOf = (m: Member) => m.protocols.find((p) => p.name === this.protocolName)?.metadata;
    const unchanged = metadataOf(old) !== undefined && metadataOf(member) !== undefined && metadataOf(old)!.equals(metadataOf(member)!);
    if (this.state !== 'Stable' || !unchanged) return null;
    this.startSessionTimer(member);
    return { ...this.joinResult(member), skipAssignment: member.memberId === this.leaderId };
  }

  private checkProtocolFits(spec: JoinSpec): void {
    const others = [...this.members.values()].filter((m) => m.memberId !== spec.memberId);
    if (others.length === 0) return;
    if (spec.protocolType !== this.protocolType) {
      throw new KlogError(
        'INCONSISTENT_GROUP_PROTOCOL',
        `group ${this.groupId} uses protocol type ${this.protocolType}, the member asked for ${spec.protocolType}`,
      );
    }
    if (commonProtocols([...others.map((m) => m.protocolNames), spec.protocolNames]).length === 0) {
      throw new KlogError(
        'INCONSISTENT_GROUP_PROTOCOL',
        `none of [${spec.protocolNames.join(', ')}] is supported by every member of group ${this.groupId}`,
      );
    }
  }

  private currentMember(memberId: string, generationId: number): Member {
    const member = this.members.get(memberId);
    if (member === undefined) throw unknownMember(this.groupId, memberId);
    if (generationId !== this.generationId) {
      throw new KlogError(
        'ILLEGAL_GENERATION',
        `generation ${generationId} is not the current generation ${this.generationId} of group ${this.groupId}`,
      );
    }
    return member;
  }

  private prepareRebalance(reason: string): void {
    // A sync still waiting belongs to a generation that will never complete: the member must rejoin.
    for (const m of this.members.values()) {
      m.pendingSync?.reject(rebalancing(this.groupId));
      m.pendingSync = null;
    }
    const wasEmpty = this.state === 'Empty';
    this.state = 'PreparingRebalance';
    const timeout = Math.max(0, ...[...this.members.values()].map((m) => m.rebalanceTimeoutMs));
    this.ctx.logger.info({ groupId: this.groupId, generationId: this.generationId, reason }, 'preparing rebalance');
    this.clearTimer('rebalanceTimer');
    this.rebalanceTimer = this.ctx.clock.setTimeout(() => {
      this.rebalanceTimer = undefined;
      this.completeJoin();
    }, timeout);
    if (wasEmpty && this.ctx.initialRebalanceDelayMs > 0) {
      this.initialDelayTimer = this.ctx.clock.setTimeout(
        () => {
          this.initialDelayTimer = undefined;
          this.maybeCompleteJoin();
        },
        Math.min(this.ctx.initialRebalanceDelayMs, timeout),
      );
    }
  }

  private maybeCompleteJoin(): void {
    if (this.state !== 'PreparingRebalance' || this.initialDelayTimer !== undefined) return;
    for (const m of this.members.values()) if (m.pendingJoin === null) return;
    this.completeJoin();
  }

  /** Form the next generation from the members that (re)joined; the others are dropped. */
  private completeJoin(): void {
    this.clearTimer('rebalanceTimer');
    this.clearTimer('initialDelayTimer');
    for (const m of [...this.members.values()]) {
      if (m.pendingJoin === null) this.removeSilently(m, 'did not rejoin before the rebalance timeout');
    }
    this.generationId++;
    if (this.members.size === 0) {
      this.state = 'Empty';
      this.protocolName = this.leaderId = null;
      this.ctx.logger.info({ groupId: this.groupId, generationId: this.generationId }, 'group is empty');
      return;
    }
    const members = [...this.members.values()];
    this.protocolName = commonProtocols(members.map((m) => m.protocolNames))[0];
    if (this.leaderId === null || !this.members.has(this.leaderId)) this.leaderId = members[0].memberId;
    if (this.isNative) {
      this.assignNative();
      this.state = 'Stable';
    } else {
      for (const m of members) m.assignment = null;
      this.state = 'CompletingRebalance';
    }
    this.ctx.logger.info(
      { groupId: this.groupId, generationId: this.generationId, members: members.length, protocol: this.protocolName },
      'generation formed',
    );
    for (const m of members) {
      const answer = m.pendingJoin!;
      m.pendingJoin = null;
      this.startSessionTimer(m);
      answer.resolve(this.joinResult(m));
    }
  }

  private assignNative(): void {
    const topics = this.ctx.topics();
    const { input, view } = this.assignorInput(topics);
    const result = assignors.get(this.protocolName!)!(input, topics);
    for (const m of this.members.values()) m.assignment = { type: 'partitions', partitions: result.get(m.memberId)! };
    this.assignedView = view;
  }

  private assignorInput(topics: Map<string, number>) {
    const names = [...topics.keys()];
    const input = [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      subscription: resolveTopics(m.subscription!, names),
      previous: m.assignment?.type === 'partitions' ? m.assignment.partitions : undefined,
    }));
    const view = JSON.stringify(input.map((m) => [m.memberId, m.subscription.map((t) => [t, topics.get(t)])]));
    return { input, view };
  }

  private joinResult(m: Member): JoinResult {
    const isLeader = m.memberId === this.leaderId;
    return {
      groupId: this.groupId,
      memberId: m.memberId,
      generationId: this.generationId,
      leaderId: this.leaderId!,
      protocolType: this.protocolType!,
      protocolName: this.protocolName!,
      members:
        isLeader && !this.isNative
          ? [...this.members.values()].map((o) => ({
              memberId: o.memberId,
              ...(o.groupInstanceId === null ? {} : { groupInstanceId: o.groupInstanceId }),
              metadata: o.protocols.find((p) => p.name === this.protocolName)!.metadata,
            }))
          : [],
      assignment: this.isNative ? m.assignment : null,
    };
  }

  private applyLeaderAssignments(assignments: { memberId: string; assignment: Buffer }[]): void {
    const given = new Map(assignments.map((a) => [a.memberId, a.assignment]));
    this.state = 'Stable';
    for (const m of this.members.values()) {
      m.assignment = { type: 'opaque', data: given.get(m.memberId) ?? EMPTY_ASSIGNMENT };
      const answer = m.pendingSync;
      m.pendingSync = null;
      answer?.resolve(this.syncResult(m));
    }
  }

  private syncResult(m: Member): SyncResult {
    const assignment: MemberAssignment = m.assignment ?? { type: 'opaque', data: EMPTY_ASSIGNMENT };
    return { generationId: this.generationId, protocolType: this.protocolType!, protocolName: this.protocolName!, assignment };
  }

  private removeMember(memberId: string, reason: string): void {
    this.removeSilently(this.members.get(memberId)!, reason);
    if (this.state === 'Stable' || this.state === 'CompletingRebalance') this.prepareRebalance(`member ${memberId} ${reason}`);
    this.maybeCompleteJoin();
  }

  private removeSilently(m: Member, reason: string): void {
    this.clearSessionTimer(m);
    const err = unknownMember(this.groupId, m.memberId);
    m.pendingJoin?.reject(err);
    m.pendingSync?.reject(err);
    this.members.delete(m.memberId);
    if (m.groupInstanceId !== null && this.instances.get(m.groupInstanceId) === m.memberId) this.instances.delete(m.groupInstanceId);
    this.ctx.logger.info({ groupId: this.groupId, memberId: m.memberId, reason }, 'member removed');
  }

  private startSessionTimer(m: Member): void {
    this.clearSessionTimer(m);
    m.sessionTimer = this.ctx.clock.setTimeout(() => {
      m.sessionTimer = undefined;
      this.removeMember(m.memberId, 'missed its session timeout');
    }, m.sessionTimeoutMs);
  }

  private clearSessionTimer(m: Member): void {
    if (m.sessionTimer !== undefined) this.ctx.clock.clearTimeout(m.sessionTimer);
    m.sessionTimer = undefined;
  }

  private clearTimer(which: 'rebalanceTimer' | 'initialDelayTimer'): void {
    if (this[which] !== undefined) this.ctx.clock.clearTimeout(this[which]);
    this[which] = undefined;
  }
}

/** Protocols every list contains, in the order of the first list (the longest-standing member's preference). */
export function commonProtocols(lists: string[][]): string[] {
  const [first, ...rest] = lists;
  return first.filter((name) => rest.every((l) => l.includes(name)));
}

/** Kafka's member ids: the client id (or the static instance id) and a UUID. */
function newMemberId(spec: JoinSpec): string {
  return `${spec.groupInstanceId ?? (spec.clientId || 'member')}-${randomUUID()}`;
}

/** MEMBER_ID_REQUIRED, with the id the member is to join again with. */
export class MemberIdRequiredError extends KlogError<'MEMBER_ID_REQUIRED'> {
  constructor(
    groupId: string,
    readonly memberId: string,
  ) {
    super('MEMBER_ID_REQUIRED', `join group ${groupId} again with member id ${memberId}`);
  }
}

function fenced(groupId: string, groupInstanceId: string, memberId: string): KlogError {
  return new KlogError(
    'FENCED_INSTANCE_ID',
    `member ${JSON.stringify(memberId)} of group ${groupId} was replaced by a newer member with instance id ${JSON.stringify(groupInstanceId)}`,
  );
}

function unknownMember(groupId: string, memberId: string): KlogError {
  return new KlogError('UNKNOWN_MEMBER_ID', `member ${JSON.stringify(memberId)} is not in group ${groupId}; rejoin without a member id`);
}

function rebalancing(groupId: string): KlogError {
  return new KlogError('REBALANCE_IN_PROGRESS', `group ${groupId} is rebalancing; rejoin`);
}
