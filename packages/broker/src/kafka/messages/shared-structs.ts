import { field, int32, string, struct } from '../schema/schema.js';

/** A partition's leader and its epoch, as Produce and Fetch answers carry it (tagged) after a leader change. */
export const leaderIdAndEpoch = struct({
  leaderId: field(int32, { default: -1 }),
  leaderEpoch: field(int32, { default: -1 }),
});

/** The leader of an answer that names none (the tagged field is then left out). */
export const NO_LEADER = Object.freeze({ leaderId: -1, leaderEpoch: -1 });

/** A broker's address, as Produce and Fetch answers carry it (tagged) next to a new leader. */
export function nodeEndpoint(since: number) {
  return struct({
    nodeId: field(int32),
    host: field(string),
    port: field(int32),
    rack: field(string, { nullable: [since], default: null }),
  });
}
