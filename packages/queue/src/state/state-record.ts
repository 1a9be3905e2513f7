import type { QueueConfig } from '../config.js';
import { isRecordStateId } from '../record-state.js';
import type { ArchiveCause, PartitionState, PersistedRecord } from './partition-state.js';

/**
 * The records of the state topic. Key: UTF-8 JSON array, its first element the kind; value: UTF-8 JSON with a
 * version `v`, or null. Replaying the topic in order gives the latest state of every queue:
 *
 * - `["queue", name]` → `{ v, config, redrive }`: the queue's settings and its re-drive positions
 *   (dead-letter partition → next offset to re-drive); null: the queue was deleted, with all its partitions.
 * - `["snapshot", name, topic, partition]` → `{ v, start, archived, records }`: a partition's whole state.
 * - `["update", name, topic, partition]` → the same shape: the new start offset and the records that changed,
 *   each written whole, so an update is applied by overwriting.
 *
 * A record is `[offset, state, deliveryCount, notBefore, reason, cause, dlqFrom]`; state is Kafka's id (0, 2,
 * 3, 4: ACQUIRED is stored as 0).
 */
export type StateRecord =
  | { kind: 'queue'; name: string; value: QueueRecordValue | null }
  | { kind: 'snapshot' | 'update'; name: string; topic: string; partition: number; value: PartitionState };

export interface QueueRecordValue {
  config: QueueConfig;
  /** Dead-letter partition → the next dead-letter offset to re-drive. */
  redrive: Record<string, number>;
}

const VERSION = 1;

type RecordTuple = [number, number, number, number, string | null, string | null, number | null];

export function encodeStateRecord(rec: StateRecord): { key: Buffer; value: Buffer | null } {
  if (rec.kind === 'queue') {
    return {
      key: Buffer.from(JSON.stringify(['queue', rec.name])),
      value: rec.value === null ? null : Buffer.from(JSON.stringify({ v: VERSION, ...rec.value })),
    };
  }
  const s = rec.value;
  return {
    key: Buffer.from(JSON.stringify([rec.kind, rec.name, rec.topic, rec.partition])),
    value: Buffer.from(`{"v":${VERSION},"start":${json(s.start)},"archived":${json(s.archived)},"records":${recordsJson(s.records)}}`),
  };
}

/**
 * The records as JSON.stringify would write their tuples (the same bytes), but written straight from the records:
 * a state write carries every record changed in its round, and a tuple array per record cost more than the text.
 */
function recordsJson(records: PersistedRecord[]): string {
  let out = '[';
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (i > 0) out += ',';
    out += `[${json(r.offset)},${json(r.state)},${json(r.deliveryCount)},${json(r.notBefore)},${json(r.reason)},${json(r.cause)},${json(r.dlqFrom)}]`;
  }
  return out + ']';
}

function json(x: number | string | null): string {
  if (typeof x === 'number') return Number.isFinite(x) ? String(x) : 'null';
  return x === null ? 'null' : JSON.stringify(x);
}

/** Undefined for a record this version does not understand (a newer klog wrote it): replay skips it. Throws on bad JSON. */
export function decodeStateRecord(key: Buffer | null, value: Buffer | null): StateRecord | undefined {
  if (key === null) return undefined;
  const k: unknown = JSON.parse(key.toString('utf8'));
  if (!Array.isArray(k) || typeof k[1] !== 'string') return undefined;
  const v = value === null ? null : (JSON.parse(value.toString('utf8')) as Record<string, unknown>);
  if (v !== null && v.v !== VERSION) return undefined;
  if (k[0] === 'queue' && k.length === 2) {
    if (v === null) return { kind: 'queue', name: k[1], value: null };
    return { kind: 'queue', name: k[1], value: { config: v.config as QueueConfig, redrive: (v.redrive ?? {}) as Record<string, number> } };
  }
  if ((k[0] === 'snapshot' || k[0] === 'update') && k.length === 4 && v !== null) {
    const records = (v.records as RecordTuple[]).map(decodeRecord);
    if (records.some((r) => r === undefined)) return undefined;
    return {
      kind: k[0], name: k[1], topic: String(k[2]), partition: Number(k[3]),
      value: { start: Number(v.start), archived: Number(v.archived ?? 0), records: records as PersistedRecord[] },
    };
  }
  return undefined;
}

function decodeRecord(t: RecordTuple): PersistedRecord | undefined {
  const [offset, state, deliveryCount, notBefore, reason, cause, dlqFrom] = t;
  if (!isRecordStateId(state) || state === 1) return undefined;
  return { offset, state, deliveryCount, notBefore, reason, cause: cause as ArchiveCause | null, dlqFrom };
}
