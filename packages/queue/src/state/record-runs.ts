import { isRecordStateId } from '../record-state.js';
import type { ArchiveCause, PersistedRecord } from './partition-state.js';

/**
 * Runs: the records of a partition state written as `[offset, count, state, deliveryCount, notBefore, reason,
 * cause, dlqFrom]`, one tuple for `count` records at consecutive offsets from `offset` that are alike in every
 * other field. A round that acknowledges or acquires a stretch of records changes them all the same way, so it
 * writes one tuple where a tuple per record cost text to build, bytes to append and objects to parse again.
 */
export type RunTuple = [number, number, number, number, number, string | null, string | null, number | null];

/** The records as a JSON array of runs, in their order; a record joins the run before it only if it follows on. */
export function runsJson(records: PersistedRecord[]): string {
  let out = '[';
  let i = 0;
  while (i < records.length) {
    const first = records[i];
    let n = 1;
    while (i + n < records.length && continues(records[i + n - 1], records[i + n])) n++;
    if (i > 0) out += ',';
    out += `[${json(first.offset)},${n},${json(first.state)},${json(first.deliveryCount)},${json(first.notBefore)},`
      + `${json(first.reason)},${json(first.cause)},${json(first.dlqFrom)}]`;
    i += n;
  }
  return out + ']';
}

/** `next` is the record after `prev` and in the same state: the two can share one run. */
function continues(prev: PersistedRecord, next: PersistedRecord): boolean {
  return next.offset === prev.offset + 1 && next.state === prev.state && next.deliveryCount === prev.deliveryCount
    && next.notBefore === prev.notBefore && next.reason === prev.reason && next.cause === prev.cause
    && next.dlqFrom === prev.dlqFrom;
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
