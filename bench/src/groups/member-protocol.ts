/** Messages between the throughput benchmark and its member processes (over the fork IPC channel). */

export interface MemberConfig {
  address: string;
  topic: string;
  groupId: string;
  clientId: string;
}

/** Parent → member: `go` opens the gate with each partition's log end offset; `stop` closes the member. */
export type ToMember = { type: 'go'; ends: number[] } | { type: 'stop' };

/** Member → parent, once it has processed every record of its partitions up to the ends it was given. */
export interface MemberDone {
  type: 'done';
  records: number;
  /** Records handed to the handler before `go` (fetched while the topic was being filled). */
  heldAtGate: number;
  /** From `go` received to done, by the member's own clock. */
  seconds: number;
}
