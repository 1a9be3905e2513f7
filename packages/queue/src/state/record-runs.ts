import { isRecordStateId } from '../record-state.js';
import type { ArchiveCause, PersistedRecord } from './partition-state.js';

/**
 * Runs: the records of a partition state written as `[offset, count, state, deliveryCount, notBefore, reason,
 * cause, dlqFrom]`, one tuple for `count` records at consecutive offsets from `offset` that are alike in every
 * other field. A round that acknowledges or acquires a stretch of records changes them all the same way, so it
 * writes one tuple where a tuple per record cost text to build, bytes to append and objects to parse again.
 */
export type RunTuple = [number, number, number, number, number, string | null, string | null, number | null];

/**
 * A partition's changes as a share partition hands them to the state writer: the records that changed, already as
 * runs in offset order (built straight from its entries, with no object per record and no sort).
 */
export interface PartitionRuns {
  start: number;
  archived: number;
  runs: RunTuple[];
}

/**
 * Adds the record at `offset` to `runs` (built in offset order): to the last run if the record follows on and is
 * alike in every field, else as a new run.
 */
export function addToRuns(
  runs: RunTuple[], offset: number, state: number, deliveryCount: number, notBefore: number, reason: string | null,
  cause: string | null, dlqFrom: number | null,
): void {
  const last = runs.length > 0 ? runs[runs.length - 1] : undefined;
  if (last !== undefined && offset === last[0] + last[1] && state === last[2] && deliveryCount === last[3]
    && notBefore === last[4] && reason === last[5] && cause === last[6] && dlqFrom === last[7]) {
    last[1]++;
    return;
  }
  runs.push([offset, 1, state, deliveryCount, notBefore, reason, cause, dlqFrom]);
}

/** The records (in offset order) as runs. */
export function runsOf(records: PersistedRecord[]): RunTuple[] {
  const runs: RunTuple[] = [];
  for (const r of records) addToRuns(runs, r.offset, r.state, r.deliveryCount, r.notBefore, r.reason, r.cause, r.dlqFrom);
  return runs;
}

/** The runs as a JSON array, each field as JSON.stringify would write it. */
export function runsJson(runs: RunTuple[]): string {
  let out = '[';
  for (let i = 0; i < runs.length; i++) {
    const [offset, count, state, deliveryCount, notBefore, reason, cause, dlqFrom] = runs[i];
    if (i > 0) out += ',';
    out += `[${json(offset)},${count},${state},${json(deliveryCount)},${json(notBefore)},${json(reason)},${json(cause)},${json(dlqFrom)}]`;
  }
  return out + ']';
}

/** Undefined if a run is not one this version wrote (a state it does not know, a count that is not a count). */
export function expandRuns(runs: RunTuple[]): PersistedRecord[] | undefined {
  const out: PersistedRecord[] = [];
  for (const [offset, count, state, deliveryCount, notBefore, reason, cause, dlqFrom] of runs) {
    if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(offset + count - 1)) return undefined;
    if (!isRecordStateId(state) || state === 1) return undefined;
    for (let k = 0; k < count; k++) {
      out.push({ offset: offset + k, state, deliveryCount, notBefore, reason, cause: cause as ArchiveCause | null, dlqFrom });
    }
  }
  return out;
}

/** One record as version 1 wrote it: `[offset, state, deliveryCount, notBefore, reason, cause, dlqFrom]`. */
export type RecordTuple = [number, number, number, number, string | null, string | null, number | null];

/** Undefined if the state is not one a stored record can have. */
export function decodeRecordTuple(t: RecordTuple): PersistedRecord | undefined {
  const [offset, state, deliveryCount, notBefore, reason, cause, dlqFrom] = t;
  if (!isRecordStateId(state) || state === 1) return undefined;
  return { offset, state, deliveryCount, notBefore, reason, cause: cause as ArchiveCause | null, dlqFrom };
}

/** A field as JSON.stringify writes it (a non-finite number as null), without building a value to stringify. */
export function json(x: number | string | null): string {
  if (typeof x === 'number') return Number.isFinite(x) ? String(x) : 'null';
  return x === null ? 'null' : JSON.stringify(x);
}
