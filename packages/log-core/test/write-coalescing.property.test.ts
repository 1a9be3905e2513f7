// Model-based test of coalesced writes (src/write-coalescer.ts): appends to several partitions started without
// waiting, interleaved with reads, syncs, explicit flushes, closes with appends still queued, and crash copies
// taken while appends are queued. Checked against one array of records per partition.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { FsyncPolicy } from '../src/fsync-policy.js';
import type { LogStore } from '../src/log-store.js';
import { partitionForKey } from '../src/partitioner.js';
import { propertyParameters } from '../../../test/reliability/fuzz-seed.js';
import { crashCopy, openStore, removeTempDirs, tempDir } from './store-fixture.js';

afterEach(removeTempDirs);

const PARTITIONS = 4;
// Small segments, so that queued batches meet rolls (several queued batches together fill a segment).
const CONFIG = { partitions: PARTITIONS, segmentBytes: 2048, maxBatchBytes: 1024, retentionMs: -1, retentionBytes: -1 };

type Op =
  | { kind: 'start'; partition: number; values: number[] } // an append to one partition, not awaited
  | { kind: 'startKeyed'; keys: number[] } // one call spread over partitions by key, not awaited
  | { kind: 'settle' } // await every append in flight
  | { kind: 'yield'; turn: boolean } // let microtasks (or a whole event-loop turn) run
  | { kind: 'read'; partition: number; at: number }
  | { kind: 'sync'; partition: number | null }
  | { kind: 'flushPending' }
  | { kind: 'reopen' } // close with appends still queued
  | { kind: 'crash' }; // copy the files as a kill -9 would leave them, appends still queued

const partition = fc.integer({ min: 0, max: PARTITIONS - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('start' as const), partition, values: fc.array(fc.nat(999), { minLength: 1, maxLength: 6 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('startKeyed' as const), keys: fc.array(fc.nat(50), { minLength: 1, maxLength: 12 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'settle' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('yield' as const), turn: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('read' as const), partition, at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sync' as const), partition: fc.option(partition, { nil: null }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'flushPending' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
);
const fsync: fc.Arbitrary<FsyncPolicy> = fc.constantFrom<FsyncPolicy>('never', 'always', { intervalMs: 5 });

/** A record's value names where the model put it, so a record read back can be checked by its bytes alone. */
const value = (p: number, id: string): Buffer => Buffer.from(`p${p}:${id}`);

async function run(policy: FsyncPolicy, coalesceWrites: boolean, ops: Op[]): Promise<void> {
  let dir = tempDir('klog-coalesce-');
  const open = (): Promise<LogStore> => openStore(dir, { fsync: policy, coalesceWrites });
  let store = await open();
  await store.createTopic('t', CONFIG);
  /** Per partition: the value of every record appended, by offset (offsets are given when append is called). */
  let model: string[][] = Array.from({ length: PARTITIONS }, () => []);
  /** Per partition: how many records have been acknowledged (a prefix: acks of one partition come in order). */
  let acked = new Array<number>(PARTITIONS).fill(0);
  let inFlight: Promise<void>[] = [];
  let generation = 0; // appends of a store that was crash-copied away are not checked against the copy
  let nextId = 0;
  /** Set while a close is under way: appends it settles are checked by the offsets they got, not by the store. */
  let closing = false;
  /**
   * Partitions certainly loaded (an append to them was awaited since the last open). After a clean close the
   * store loads a partition at its first use, and appends made meanwhile wait for that load, not for a flush.
   */
  let loaded = new Set<number>();
  /** Partitions appended to since the last open (loaded, or loading, since). */
  let touched = new Set<number>();

  const ack = (gen: number, p: number, offset: number): void => {
    if (gen !== generation) return;
    // Acknowledged means readable: never beyond the end the store reports.
    if (!closing) expect(store.logEndOffset('t', p)).toBeGreaterThan(offset);
    acked[p] = Math.max(acked[p], offset + 1);
  };

  const checkEnds = (): void => {
    for (let p = 0; p < PARTITIONS; p++) {
      const end = store.logEndOffset('t', p);
      expect(end).toBeGreaterThanOrEqual(acked[p]);
      expect(end).toBeLessThanOrEqual(model[p].length);
    }
  };

  try {
    for (const o of ops) {
      switch (o.kind) {
        case 'start': {
          const { partition: p } = o;
          const first = model[p].length;
          touched.add(p);
          const ids = o.values.map((v) => `${nextId++}-${v}`);
          model[p].push(...ids);
          const gen = generation;
          inFlight.push(store.append('t', ids.map((id) => ({ value: value(p, id) })), { partition: p }).then((acks) => {
            expect(acks).toEqual(ids.map((_, i) => ({ partition: p, offset: first + i })));
            for (const a of acks) ack(gen, p, a.offset);
          }));
          // Queued, not written: readers must not see it yet (it is written when this code yields).
          if (coalesceWrites) expect(store.logEndOffset('t', p)).toBeLessThanOrEqual(first);
          break;
        }
        case 'startKeyed': {
          // One call over several partitions: the model routes each key as the store does (murmur2).
          const recs = o.keys.map((k) => {
            const key = Buffer.from(`k${k}`);
            const p = partitionForKey(key, PARTITIONS);
            touched.add(p);
            const id = `${nextId++}-k${k}`;
            return { p, id, offset: model[p].push(id) - 1, key };
          });
          const gen = generation;
          inFlight.push(store.append('t', recs.map((r) => ({ key: r.key, value: value(r.p, r.id) }))).then((acks) => {
            expect(acks).toEqual(recs.map((r) => ({ partition: r.p, offset: r.offset })));
            for (const a of acks) ack(gen, a.partition, a.offset);
          }));
          break;
        }
        case 'settle':
          await Promise.all(inFlight);
          inFlight = [];
          loaded = new Set(touched);
          for (let p = 0; p < PARTITIONS; p++) {
            expect(acked[p]).toBe(model[p].length);
            expect(store.logEndOffset('t', p)).toBe(model[p].length);
          }
          break;
        case 'yield':
          await (o.turn ? new Promise((r) => setImmediate(r)) : Promise.resolve());
          break;
        case 'read': {
          // Readers see only what is written: everything below the end reads back as the model has it.
          const end = store.logEndOffset('t', o.partition);
          if (end === 0) break;
          const offset = Math.min(end - 1, Math.floor(o.at * end));
          const res = await store.read('t', o.partition, { offset, maxBytes: 512 });
          expect(res.records.length).toBeGreaterThan(0);
          for (const r of res.records) expect(model[o.partition][r.offset]).toBe(idOf(o.partition, r.value));
          break;
        }
        case 'sync': {
          const before = model.map((m) => m.length);
          if (o.partition === null) await store.flush();
          else await store.flushPartition('t', o.partition);
          // A sync writes what was queued before it: every record appended before the call is now readable.
          if (policy !== 'always') {
            for (const p of loaded) if (o.partition === null || o.partition === p) expect(store.logEndOffset('t', p)).toBeGreaterThanOrEqual(before[p]);
          }
          break;
        }
        case 'flushPending': {
          store.flushPending();
          // Everything queued is written now, and (unless fsync 'always' waits for the sync) readable.
          if (policy !== 'always') for (const p of loaded) expect(store.logEndOffset('t', p)).toBe(model[p].length);
          break;
        }
        case 'reopen': {
          // Close writes what is queued: the appends in flight all resolve, and nothing is lost.
          closing = true;
          await store.close();
          await Promise.all(inFlight);
          inFlight = [];
          closing = false;
          store = await open();
          loaded = new Set();
          touched = new Set();
          for (let p = 0; p < PARTITIONS; p++) expect(store.logEndOffset('t', p)).toBe(model[p].length);
          break;
        }
        case 'crash': {
          // The files as a kill -9 at this instant leaves them: every acknowledged record is there; queued ones
          // may be missing, but only as a tail (offsets stay dense).
          const ackedAtCrash = [...acked];
          const copy = crashCopy(dir);
          const old = store;
          generation++;
          await old.close();
          await Promise.all(inFlight).catch(() => undefined);
          inFlight = [];
          dir = copy;
          store = await open();
          loaded = new Set();
          touched = new Set();
          expect(store.stats.truncatedBytes).toBe(0); // every batch written was whole
          const next = model.map((m, p) => {
            const end = store.logEndOffset('t', p);
            expect(end).toBeGreaterThanOrEqual(ackedAtCrash[p]);
            expect(end).toBeLessThanOrEqual(m.length);
            return m.slice(0, end);
          });
          model = next;
          acked = model.map((m) => m.length);
          break;
        }
      }
      checkEnds();
    }
    await Promise.all(inFlight);
    // Finally every partition reads back exactly as the model has it.
    for (let p = 0; p < PARTITIONS; p++) {
      const got: string[] = [];
      for (let offset = 0; offset < store.logEndOffset('t', p); ) {
        const res = await store.read('t', p, { offset, maxBytes: 4096 });
        for (const r of res.records) got.push(idOf(p, r.value));
        offset = res.nextOffset;
      }
      expect(got).toEqual(model[p]);
    }
  } finally {
    closing = true;
    await store.close();
    await Promise.all(inFlight).catch(() => undefined);
  }
}

/** The model id a read record stands for; its value must name the partition it was appended to. */
function idOf(p: number, v: Buffer | null): string {
  const s = v?.toString() ?? '';
  expect(s.startsWith(`p${p}:`), `record ${s} read from partition ${p}`).toBe(true);
  return s.slice(`p${p}:`.length);
}

describe('coalesced writes against a model of several partitions', () => {
  it('acknowledge only what is written, lose nothing acknowledged, and keep offsets dense under appends in flight, reads, syncs, closes and crashes', async () => {
    const params = propertyParameters(40);
    console.log(`coalescing model: seed ${params.seed} (replay: KLOG_FUZZ_SEED=${params.seed} npx vitest run packages/log-core/test/write-coalescing.property.test.ts)`);
    await fc.assert(fc.asyncProperty(fsync, fc.boolean(), fc.array(op, { minLength: 1, maxLength: 40 }), run), params);
  });
});
