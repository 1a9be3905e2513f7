import type { CompiledSubscription } from './subscription.js';
import type { Deferred } from './deferred.js';
import type { JoinResult, MemberAssignment, Protocol, SyncResult } from './types.js';

/** A join request after validation and defaults: what the group state machine works with. */
export interface JoinSpec {
  /** null: a new member. */
  memberId: string | null;
  groupInstanceId: string | null;
  requireKnownMemberId: boolean;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  /** Protocol names in preference order: assignor names (native) or the protocols' names (opaque). */
  protocolNames: string[];
  /** Opaque groups: protocols with their metadata. Native groups: empty. */
  protocols: Protocol[];
  /** Native groups only. */
  subscription: CompiledSubscription | null;
}

export interface Member {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolNames: string[];
  protocols: Protocol[];
  subscription: CompiledSubscription | null;
  assignment: MemberAssignment | null;
  /** Set while the member waits in a join: its session does not expire meanwhile (the rebalance timeout rules). */
  pendingJoin: Deferred<JoinResult> | null;
  pendingSync: Deferred<SyncResult> | null;
  sessionTimer: unknown;
}

export function newMember(memberId: string, spec: JoinSpec): Member {
  const member: Member = {
    memberId,
    groupInstanceId: spec.groupInstanceId,
    clientId: '',
    clientHost: '',
    sessionTimeoutMs: 0,
    rebalanceTimeoutMs: 0,
    protocolNames: [],
    protocols: [],
    subscription: null,
    assignment: null,
    pendingJoin: null,
    pendingSync: null,
    sessionTimer: undefined,
  };
  updateMember(member, spec);
  return member;
}

/** A rejoin may change everything but the member id (and keeps the assignment: sticky needs it). */
export function updateMember(member: Member, spec: JoinSpec): void {
  member.clientId = spec.clientId;
  member.clientHost = spec.clientHost;
  member.sessionTimeoutMs = spec.sessionTimeoutMs;
  member.rebalanceTimeoutMs = spec.rebalanceTimeoutMs;
  member.protocolNames = spec.protocolNames;
  member.protocols = spec.protocols;
  member.subscription = spec.subscription;
}
