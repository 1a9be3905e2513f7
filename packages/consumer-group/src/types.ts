import type { TopicPartition } from './assignors/assignor.js';
import type { Subscription } from './subscription.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** The protocol type of native klog groups, where the coordinator computes the assignment itself. */
export const NATIVE_PROTOCOL_TYPE = 'klog';

/** One protocol a Kafka-protocol member supports (e.g. an assignor name), with its opaque metadata. */
export interface Protocol {
  name: string;
  metadata: Buffer;
}

/**
 * What a member was given: in a native group a list of partitions computed by the coordinator; in any other
 * group the opaque bytes the leader sent for it (for Kafka's 'consumer' protocol, a ConsumerProtocol Assignment).
 */
export type MemberAssignment =
  | { type: 'partitions'; partitions: TopicPartition[] }
  | { type: 'opaque'; data: Buffer };

export interface JoinRequest {
  groupId: string;
  /** Empty or absent for a new member: the coordinator assigns one and returns it. */
  memberId?: string;
  clientId?: string;
  clientHost?: string;
  sessionTimeoutMs?: number;
  /** How long the coordinator waits for all members to rejoin once a rebalance starts. */
  rebalanceTimeoutMs?: number;
  /** 'klog' (the default): native group. Anything else (Kafka's 'consumer', 'connect', ...): opaque protocols. */
  protocolType?: string;
  /** Native groups only (required there): topic names or a pattern. */
  subscription?: Subscription;
  /** Native groups only: assignor names in preference order; defaults to ['range'] (Kafka's default). */
  assignors?: string[];
  /** Opaque groups only (required there, non-empty): protocols in preference order. */
  protocols?: Protocol[];
  /**
   * Static membership (Kafka's group.instance.id): a member that joins again under the same instance id takes
   * the old member's place, without a rebalance when the group is Stable; the old member id is then fenced.
   */
  groupInstanceId?: string | null;
  /**
   * Kafka's JoinGroup v4+: a join without a member id is answered MEMBER_ID_REQUIRED (MemberIdRequiredError,
   * carrying the id) and the member joins again with that id. Static members are exempt, as in Kafka.
   */
  requireKnownMemberId?: boolean;
}

export interface JoinResult {
  groupId: string;
  memberId: string;
  generationId: number;
  leaderId: string;
  protocolType: string;
  /** The assignor (native) or protocol (opaque) the group uses in this generation. */
  protocolName: string;
  /** Opaque groups, leader only: every member with its metadata for the chosen protocol. Otherwise empty. */
  members: { memberId: string; groupInstanceId?: string; metadata: Buffer }[];
  /** Native groups: the member's partitions, known as soon as the generation forms. Opaque groups: null. */
  assignment: MemberAssignment | null;
  /**
   * A static member that replaced its old member id in a Stable group: the generation goes on, the leader need
   * not assign again (its sync just returns the current assignment).
   */
  skipAssignment?: boolean;
}

export interface SyncRequest {
  groupId: string;
  memberId: string;
  generationId: number;
  /** Opaque groups, leader only: the assignment of each member. Members left out get an empty assignment. */
  assignments?: { memberId: string; assignment: Buffer }[];
  /** Static members: checked against the instance's current member id (FENCED_INSTANCE_ID when stale). */
  groupInstanceId?: string | null;
  /** Kafka's SyncGroup v5: when given, they must be the group's (INCONSISTENT_GROUP_PROTOCOL otherwise). */
  protocolType?: string | null;
  protocolName?: string | null;
}

export interface SyncResult {
  generationId: number;
  protocolType: string;
  protocolName: string;
  assignment: MemberAssignment;
}

export interface MemberRef {
  groupId: string;
  memberId: string;
  generationId: number;
}

export interface OffsetCommit {
  topic: string;
  partition: number;
  offset: number;
  metadata?: string;
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** -1 when nothing is committed for the partition (as Kafka's OffsetFetch answers). */
  offset: number;
  metadata: string;
}

export type ResetTarget = 'earliest' | 'latest' | { offset: number } | { timestamp: number };

export interface GroupListing {
  groupId: string;
  state: GroupState;
  protocolType: string;
  members: number;
}

export interface MemberDescription {
  memberId: string;
  /** Static members only (absent for the others). */
  groupInstanceId?: string;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  /** Native groups: what the member subscribed to. */
  subscription: Subscription | null;
  /** Opaque groups: the member's metadata for the group's protocol. */
  metadata: Buffer | null;
  assignment: MemberAssignment | null;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** The member that owns the partition in this generation, when the coordinator knows it. */
  memberId: string | null;
  committedOffset: number | null;
  logStartOffset: number | null;
  logEndOffset: number | null;
  /**
   * Records the group still has to read: logEnd - max(committed, logStart). With nothing committed, committed
   * counts as the log start (everything retained is unread), so lag is logEnd - logStart; records already deleted
   * by retention are not counted. Null when the topic or partition no longer exists.
   */
  lag: number | null;
}

export interface GroupDescription {
  groupId: string;
  state: GroupState;
  generationId: number;
  protocolType: string;
  protocolName: string | null;
  leaderId: string | null;
  members: MemberDescription[];
  partitions: PartitionLag[];
}
