import type { RecordStateId } from '../record-state.js';

/** Why a record was archived: the consumer rejected it, or it ran out of deliveries. */
export type ArchiveCause = 'rejected' | 'limit';

/**
 * One record's state as the state topic keeps it. ACQUIRED is never stored (it is stored as AVAILABLE with its
 * delivery count): a lock does not outlive the process that granted it, but the attempt it used up does.
 */
export interface PersistedRecord {
  offset: number;
  state: Exclude<RecordStateId, 1>;
  deliveryCount: number;
  /** Not deliverable before this time (epoch ms; 0: no delay): a release with a delay or backoff. */
  notBefore: number;
  /** The last error a consumer gave with a release or reject. */
  reason: string | null;
  cause: ArchiveCause | null;
  /** ARCHIVING only: the dead-letter partition's end offset before its dead letter was written. */
  dlqFrom: number | null;
}

/** What a share partition needs to resume: its start offset and the records after it that are not fresh. */
export interface PartitionState {
  start: number;
  /** Records archived in this partition, ever (a counter for stats). */
  archived: number;
  records: PersistedRecord[];
}

/** An update written after a snapshot: the new start offset, and the records that changed (whole, not deltas). */
export function applyUpdate(base: PartitionState, update: PartitionState): PartitionState {
  const byOffset = new Map(base.records.map((r) => [r.offset, r]));
  for (const r of update.records) byOffset.set(r.offset, r);
  const records = [...byOffset.values()].filter((r) => r.offset >= update.start).sort((a, b) => a.offset - b.offset);
  return { start: update.start, archived: update.archived, records };
}

/** A record with nothing to remember: what every record not yet touched is. */
export function isFresh(r: PersistedRecord): boolean {
  return r.state === 0 && r.deliveryCount === 0 && r.notBefore === 0 && r.reason === null;
}
