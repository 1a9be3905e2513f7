// Model-based test: a partition log driven by random operation sequences, checked against an array of records.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { isKlogError } from '../src/errors.js';
import type { LogStore } from '../src/log-store.js';
import type { RecordInput } from '../src/types.js';
import { propertyParameters } from '../../../test/reliability/fuzz-seed.js';
import { crashCopy, openStore, plain, removeCleanMarker, removeTempDirs, tempDir } from './store-fixture.js';

afterEach(removeTempDirs);

const T0 = 1_700_000_000_000;
const RETENTION_BYTES = 6000;
const CONFIG = { segmentBytes: 1024, maxBatchBytes: 1024, retentionMs: -1, retentionBytes: RETENTION_BYTES };

const bytesOrNull = (max: number): fc.Arbitrary<Buffer | null> =>
  fc.option(fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a)), { freq: 5 });
const record: fc.Arbitrary<RecordInput> = fc.record({
  key: bytesOrNull(16),
  value: bytesOrNull(80),
  timestamp: fc.option(fc.integer({ min: T0 - 10_000, max: T0 + 10_000 }), { nil: undefined, freq: 5 }),
  headers: fc.array(fc.record({ key: fc.string({ maxLength: 8 }), value: bytesOrNull(8) }), { maxLength: 2 }),
});

type Op =
  | { kind: 'append'; records: RecordInput[] }
  | { kind: 'read'; at: number; maxBytes: number }
  | { kind: 'readOutside'; below: boolean }
  | { kind: 'offsetForTimestamp'; t: number }
  | { kind: 'deleteRecordsBefore'; at: number }
  | { kind: 'retention' }
  | { kind: 'reopen' }
  | { kind: 'crash'; how: 'copy' | 'no-marker' };

const frac = fc.double({ min: 0, max: 1, noNaN: true });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('append' as const), records: fc.array(record, { minLength: 1, maxLength: 50 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('read' as const), at: frac, maxBytes: fc.integer({ min: 1, max: 5000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('readOutside' as const), below: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('offsetForTimestamp' as const), t: fc.integer({ min: T0 - 11_000, max: T0 + 11_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteRecordsBefore' as const), at: frac }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'retention' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), how: fc.constantFrom('copy' as const, 'no-marker' as const) }) },
);

/** What the log must hold: every record ever appended (offset = index), and where the log now starts. */
interface Model {
  records: (RecordInput & { offset: number; timestamp: number })[];
  start: number;
  /** The start offset set by deleteRecordsBefore, which is written synchronously and so survives any crash. */
  deletedBefore: number;
}

const NOW = T0 + 500; // the store clock: the timestamp of records given none

async function run(ops: Op[]): Promise<void> {
  let dir = tempDir('klog-model-');
  const open = (): Promise<LogStore> => openStore(dir, { now: () => NOW });
  let store = await open();
  await store.createTopic('t', CONFIG);
  const model: Model = { records: [], start: 0, deletedBefore: 0 };
  const end = (): number => model.records.length;
  const pick = (f: number): number => model.start + Math.floor(f * (end() - model.start + 1)) - (f === 1 ? 1 : 0);

  /** Retention may run on its own after a roll: the start may move up, never past the end, never down. */
  const syncStart = (): void => {
    const start = store.logStartOffset('t', 0);
    expect(start).toBeGreaterThanOrEqual(model.start);
    expect(start).toBeLessThanOrEqual(end());
    model.start = start;
  };

  try {
    for (const o of ops) {
      switch (o.kind) {
        case 'append': {
          const acks = await store.append('t', o.records);
          expect(acks).toEqual(o.records.map((_, i) => ({ partition: 0, offset: end() + i })));
          for (const r of o.records) model.records.push({ ...r, offset: end(), timestamp: r.timestamp ?? NOW });
          break;
        }
        case 'read': {
          const offset = pick(o.at);
          const res = await store.read('t', 0, { offset, maxBytes: o.maxBytes });
          if (offset < end()) expect(res.records.length).toBeGreaterThan(0);
          expect(res.records.map(plain)).toEqual(model.records.slice(offset, offset + res.records.length).map(plain));
          expect(res.nextOffset).toBe(offset + res.records.length);
          expect([res.highWatermark, res.logStartOffset]).toEqual([end(), model.start]);
          break;
        }
        case 'readOutside': {
          const offset = o.below ? model.start - 1 : end() + 1;
          const err = await store.read('t', 0, { offset, maxBytes: 100 }).catch((e: unknown) => e);
          expect(isKlogError(err, 'OFFSET_OUT_OF_RANGE'), String(err)).toBe(true);
          break;
        }
        case 'offsetForTimestamp': {
          const expected = model.records.slice(model.start).find((r) => r.timestamp >= o.t)?.offset ?? null;
          expect(await store.offsetForTimestamp('t', 0, o.t)).toBe(expected);
          break;
        }
        case 'deleteRecordsBefore': {
          const offset = pick(o.at);
          await store.deleteRecordsBefore('t', 0, offset);
          expect(store.logStartOffset('t', 0)).toBe(offset);
          model.start = offset;
          model.deletedBefore = offset;
          break;
        }
        case 'retention': {
          const before = model.start;
          await store.enforceRetention();
          syncStart();
          // Retention by size deletes only while what remains still holds retentionBytes.
          if (model.start > before) expect(store.describeTopic('t').partitions[0].sizeBytes).toBeGreaterThanOrEqual(RETENTION_BYTES);
          break;
        }
        case 'reopen': {
          await store.close();
          store = await open();
          break;
        }
        case 'crash': {
          if (o.how === 'copy') {
            // Every written page, as the OS keeps it after a process kill, without close.
            const copy = crashCopy(dir);
            await store.close();
            dir = copy;
          } else {
            await store.close();
            removeCleanMarker(dir);
          }
          store = await open();
          // A segment whose deletion was under way when the copy was taken may come back: the start may
          // move down to a segment boundary, but never below what deleteRecordsBefore set.
          const start = store.logStartOffset('t', 0);
          expect(start).toBeGreaterThanOrEqual(model.deletedBefore);
          expect(start).toBeLessThanOrEqual(model.start);
          model.start = start;
          expect(store.stats.truncatedBytes).toBe(0); // every acknowledged batch was whole
          break;
        }
      }
      expect(store.logEndOffset('t', 0)).toBe(end());
      syncStart();
    }
    // Finally everything from the start reads back exactly.
    let offset = model.start;
    while (offset < end()) {
      const res = await store.read('t', 0, { offset, maxBytes: 2048 });
      expect(res.records.map(plain)).toEqual(model.records.slice(offset, offset + res.records.length).map(plain));
      offset = res.nextOffset;
    }
  } finally {
    await store.close();
  }
}

describe('a partition log against an array model', () => {
  it('agrees under random appends, reads, deletions, retention, reopens and crashes', async () => {
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), run), { numRuns: 60 });
  });
});

// ---- compaction ------------------------------------------------------------------------------------------
// The model of a compacted partition: every record appended (offset = index), from which follow the map of
// key → latest value (a null value deletes the key) and which offsets may remain.

const DAY = 24 * 3600 * 1000;
const COMPACT_CONFIG = { cleanupPolicy: 'compact' as const, segmentBytes: 1024, maxBatchBytes: 1024 };

type CompactOp =
  | { kind: 'append'; records: { key: number | null; value: number | null }[] }
  | { kind: 'compact' }
  | { kind: 'read'; at: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'reopen' }
  | { kind: 'crash' };

const compactOp: fc.Arbitrary<CompactOp> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('append' as const), records: fc.array(fc.record({
    key: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null, freq: 8 }),
    value: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null, freq: 6 }),
  }), { minLength: 1, maxLength: 12 }) }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'compact' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('read' as const), at: frac }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 2 * DAY }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
);

/** The key map's memory bound: the default, or so small that a pass maps one segment or a few keys only. */
const keyMapBytes = fc.constantFrom(undefined, 1, 200, 400);

async function runCompacted(compactionKeyMapBytes: number | undefined, ops: CompactOp[]): Promise<void> {
  let dir = tempDir('klog-model-compact-');
  const clock = { now: T0 };
  const open = (): Promise<LogStore> => openStore(dir, { now: () => clock.now, compactionKeyMapBytes });
  let store = await open();
  await store.createTopic('t', COMPACT_CONFIG);
  const appended: (RecordInput & { offset: number; timestamp: number })[] = [];
  const latest = (): Map<string, string> => {
    const m = new Map<string, string>();
    for (const r of appended) {
      if (!r.key) continue;
      if (r.value === null) m.delete(r.key.toString());
      else m.set(r.key.toString(), r.value.toString());
    }
    return m;
  };
  const survivors = async (): Promise<StoredRecordLike[]> => {
    const out: StoredRecordLike[] = [];
    let offset = 0;
    while (offset < appended.length) {
      const res = await store.read('t', 0, { offset, maxBytes: 700 });
      if (res.records.length === 0) break;
      out.push(...res.records);
      expect(res.nextOffset).toBeGreaterThan(res.records[res.records.length - 1].offset);
      offset = res.nextOffset;
    }
    return out;
  };
  try {
    for (const o of ops) {
      switch (o.kind) {
        case 'append': {
          const input = o.records.map((r) => ({
            key: r.key === null ? null : Buffer.from(`k${r.key}`),
            value: r.value === null ? null : Buffer.from(`v${r.value}-${'p'.repeat(r.value % 50)}`),
          }));
          const acks = await store.append('t', input);
          expect(acks.map((a) => a.offset)).toEqual(input.map((_, i) => appended.length + i));
          for (const r of input) appended.push({ ...r, offset: appended.length, timestamp: clock.now });
          break;
        }
        case 'compact':
          await store.compact('t');
          break;
        case 'read': {
          const all = await survivors();
          const offset = Math.min(Math.floor(o.at * appended.length), Math.max(0, appended.length - 1));
          if (appended.length === 0) break;
          const res = await store.read('t', 0, { offset, maxBytes: 1 });
          // A read at a removed offset returns the next record that remains.
          expect(res.records[0]?.offset).toBe(all.find((r) => r.offset >= offset)?.offset);
          break;
        }
        case 'advance':
          clock.now += o.ms;
          break;
        case 'reopen':
          await store.close();
          store = await open();
          break;
        case 'crash': {
          const copy = crashCopy(dir);
          await store.close();
          dir = copy;
          store = await open();
          break;
        }
      }
      expect(store.logEndOffset('t', 0)).toBe(appended.length);
      expect(store.logStartOffset('t', 0)).toBe(0);
      const all = await survivors();
      // Offsets never change: each remaining record is the one appended at its offset.
      for (const r of all) expect(plain(r)).toEqual(plain(appended[r.offset]));
      // Replaying what remains gives the latest value of every key; keyless records all remain.
      const replay = new Map<string, string>();
      for (const r of all) {
        if (!r.key) continue;
        if (r.value === null) replay.delete(r.key.toString());
        else replay.set(r.key.toString(), r.value.toString());
      }
      expect(replay).toEqual(latest());
      expect(all.filter((r) => !r.key).map((r) => r.offset)).toEqual(appended.filter((r) => !r.key).map((r) => r.offset));
    }
  } finally {
    await store.close();
  }
}

type StoredRecordLike = Awaited<ReturnType<LogStore['read']>>['records'][number];

describe('a compacted partition against a key model', () => {
  it('keeps offsets, the latest value of every key and every keyless record under appends, compactions (with a bounded key map), reopens and crashes', async () => {
    const params = propertyParameters(40);
    console.log(`compaction model: seed ${params.seed} (replay: KLOG_FUZZ_SEED=${params.seed} npx vitest run packages/log-core/test/log-model.property.test.ts)`);
    await fc.assert(fc.asyncProperty(keyMapBytes, fc.array(compactOp, { minLength: 1, maxLength: 40 }), runCompacted), params);
  });
});
