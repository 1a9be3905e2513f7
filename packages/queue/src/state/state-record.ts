import type { QueueConfig } from '../config.js';
import type { PartitionState, PersistedRecord } from './partition-state.js';
import {
  decodeRecordTuple, expandRuns, json, runsJson, runsOf, type PartitionRuns, type RecordTuple, type RunTuple,
} from './record-runs.js';

/**
 * The records of the state topic. Key: UTF-8 JSON array, its first element the kind; value: UTF-8 JSON with a
 * version `v`, or null. Replaying the topic in order gives the latest state of every queue:
 *
 * - `["queue", name]` → `{ v: 1, config, redrive }`: the queue's settings and its re-drive positions
 *   (dead-letter partition → next offset to re-drive); null: the queue was deleted, with all its partitions.
 * - `["snapshot", name, topic, partition]` → `{ v: 2, start, archived, runs }`: a partition's whole state.
 * - `["update", name, topic, partition]` → the same shape: the new start offset and the records that changed,
 *   each written whole, so an update is applied by overwriting.
 *
 * Version 2 writes the records as runs (record-runs.ts); version 1, still read, as `records`, a tuple
 * `[offset, state, deliveryCount, notBefore, reason, cause, dlqFrom]` each. State is Kafka's id (0, 2, 3, 4:
 * ACQUIRED is stored as 0).
 */
export type StateRecord =
  | { kind: 'queue'; name: string; value: QueueRecordValue | null }
  | { kind: 'snapshot' | 'update'; name: string; topic: string; partition: number; value: PartitionState };

/**
 * What the state writer appends: a StateRecord, or an update whose records are already runs (what a share partition
 * hands over). Both encode the same way; replay reads either back as a StateRecord.
 */
export type WritableStateRecord =
  | StateRecord
  | { kind: 'update'; name: string; topic: string; partition: number; value: PartitionRuns };

export interface QueueRecordValue {
  config: QueueConfig;
  /** Dead-letter partition → the next dead-letter offset to re-drive. */
  redrive: Record<string, number>;
}

/** The version of `queue` records, which has not changed. */
const QUEUE_VERSION = 1;
/** The version written for `snapshot` and `update` records: 1 (a tuple per record) is still read. */
const PARTITION_VERSION = 2;

export function encodeStateRecord(rec: WritableStateRecord): { key: Buffer; value: Buffer | null } {
  if (rec.kind === 'queue') {
    return {
      key: Buffer.from(JSON.stringify(['queue', rec.name])),
      value: rec.value === null ? null : Buffer.from(JSON.stringify({ v: QUEUE_VERSION, ...rec.value })),
    };
  }
  const s = rec.value;
  const runs = 'runs' in s ? s.runs : runsOf(s.records);
  return {
    key: Buffer.from(JSON.stringify([rec.kind, rec.name, rec.topic, rec.partition])),
    value: Buffer.from(`{"v":${PARTITION_VERSION},"start":${json(s.start)},"archived":${json(s.archived)},"runs":${runsJson(runs)}}`),
  };
}

/** Undefined for a record this version does not understand (a newer klog wrote it): replay skips it. Throws on bad JSON. */
export function decodeStateRecord(key: Buffer | null, value: Buffer | null): StateRecord | undefined {
  if (key === null) return undefined;
  const k: unknown = JSON.parse(key.toString('utf8'));
  if (!Array.isArray(k) || typeof k[1] !== 'string') return undefined;
  const v = value === null ? null : (JSON.parse(value.toString('utf8')) as Record<string, unknown>);
  if (k[0] === 'queue' && k.length === 2) {
    if (v === null) return { kind: 'queue', name: k[1], value: null };
    if (v.v !== QUEUE_VERSION) return undefined;
    return { kind: 'queue', name: k[1], value: { config: v.config as QueueConfig, redrive: (v.redrive ?? {}) as Record<string, number> } };
  }
  if ((k[0] === 'snapshot' || k[0] === 'update') && k.length === 4 && v !== null) {
    const records = partitionRecords(v);
    if (records === undefined) return undefined;
    return {
      kind: k[0], name: k[1], topic: String(k[2]), partition: Number(k[3]),
      value: { start: Number(v.start), archived: Number(v.archived ?? 0), records },
    };
  }
  return undefined;
}

/** The records of a partition value in either version; undefined for another version or a record it cannot hold. */
function partitionRecords(v: Record<string, unknown>): PersistedRecord[] | undefined {
  if (v.v === PARTITION_VERSION) return expandRuns(v.runs as RunTuple[]);
  if (v.v !== 1) return undefined;
  const records = (v.records as RecordTuple[]).map(decodeRecordTuple);
  return records.some((r) => r === undefined) ? undefined : (records as PersistedRecord[]);
}
