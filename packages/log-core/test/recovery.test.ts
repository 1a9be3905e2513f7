import { cpSync, existsSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iterateBatches } from '../src/batch/record-batch.js';
import { isKlogError } from '../src/errors.js';
import type { LogStore, ReadResult } from '../src/log-store.js';
import type { RecordInput } from '../src/types.js';
import { openStore, plain, readAll, removeCleanMarker, removeTempDirs, segmentFiles, tempDir } from './store-fixture.js';

afterAll(removeTempDirs);

const T0 = 1_700_000_000_000;

interface Built {
  dir: string;
  /** Every record appended, with its offset. */
  model: (RecordInput & { offset: number; timestamp: number })[];
}

/** Writes `batches` batches of 1-4 records to topic t (retention off) and closes the store cleanly. */
async function buildLog(config: { segmentBytes: number; valueBytes: number }, batches: number): Promise<Built> {
  const dir = tempDir('klog-recovery-');
  const s = await openStore(dir);
  await s.createTopic('t', { segmentBytes: config.segmentBytes, maxBatchBytes: config.segmentBytes, retentionMs: -1 });
  const model: Built['model'] = [];
  for (let b = 0; b < batches; b++) {
    const count = 1 + (b % 4);
    const input = Array.from({ length: count }, (_, i) => ({
      key: i === 0 ? null : Buffer.from(`k${b}.${i}`),
      value: Buffer.alloc(config.valueBytes, (b * 7 + i) & 0xff),
      // Rising in steps, with an occasional record from a slow clock.
      timestamp: T0 + b * 100 + i - (b % 5 === 3 ? 250 : 0),
      headers: [{ key: 'b', value: Buffer.from(String(b)) }],
    }));
    const acks = await s.append('t', input);
    input.forEach((r, i) => model.push({ ...r, offset: acks[i].offset }));
  }
  await s.close();
  return { dir, model };
}

function partitionDir(dir: string): string {
  return join(dir, 't-0');
}

/** Position and length of every batch of a segment file. */
function batchesOf(path: string): { pos: number; size: number; baseOffset: number; lastOffset: number }[] {
  return [...iterateBatches(readFileSync(path))].map(({ pos, header }) => ({
    pos, size: header.sizeInBytes, baseOffset: header.baseOffset, lastOffset: header.baseOffset + header.lastOffsetDelta,
  }));
}

function copyOf(dir: string): string {
  const copy = tempDir('klog-damaged-');
  cpSync(dir, copy, { recursive: true });
  return copy;
}

async function withStore<T>(dir: string, fn: (s: LogStore) => Promise<T>): Promise<T> {
  const s = await openStore(dir);
  try {
    // After a clean close a partition is loaded on its first use, and damage done to it after the close is found
    // (and repaired) then: a read is that first use. After an unclean stop the open itself recovered it.
    if (s.hasTopic('t')) await s.read('t', 0, { offset: s.logStartOffset('t', 0), maxBytes: 1 });
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** Appends one record after recovery and checks it lands right after `expectedEnd`, readable with the rest. */
async function checkAppendsContinue(s: LogStore, model: Built['model'], expectedEnd: number): Promise<void> {
  const [ack] = await s.append('t', [{ value: Buffer.from('after recovery'), timestamp: T0 }]);
  expect(ack.offset).toBe(expectedEnd);
  const all = await readAll(s, 't');
  expect(all.map((r) => r.offset)).toEqual(Array.from({ length: expectedEnd + 1 }, (_, i) => i));
  expect(all.slice(0, expectedEnd).map(plain)).toEqual(model.slice(0, expectedEnd).map(plain));
}

describe('crash recovery of the last segment', () => {
  let built: Built;
  let lastSegment: string;
  let lastBatch: { pos: number; size: number; baseOffset: number };

  beforeAll(async () => {
    built = await buildLog({ segmentBytes: 1024, valueBytes: 20 }, 30);
    const files = segmentFiles(partitionDir(built.dir));
    expect(files.length).toBeGreaterThan(2);
    lastSegment = files[files.length - 1].name;
    const batches = batchesOf(files[files.length - 1].path);
    expect(batches.length).toBeGreaterThan(1);
    lastBatch = batches[batches.length - 1];
  });

  it.each([
    ['at every byte position after an unclean stop', true, 1],
    ['at every third byte position even when the shutdown was marked clean', false, 3],
  ])('cuts a torn last batch %s', async (_what, unclean, step) => {
    for (let keep = 0; keep < lastBatch.size; keep += step) {
      const dir = copyOf(built.dir);
      if (unclean) removeCleanMarker(dir);
      truncateSync(join(partitionDir(dir), lastSegment), lastBatch.pos + keep);
      await withStore(dir, async (s) => {
        expect([keep, s.stats.truncatedBytes]).toEqual([keep, keep]);
        expect(s.logEndOffset('t', 0)).toBe(lastBatch.baseOffset);
        await checkAppendsContinue(s, built.model, lastBatch.baseOffset);
      });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** The last segment of a copy of the log, with `positions` of its last batch xor-ed with `xor`. */
  function flipLastBatch(positions: number[], xor: number, unclean: boolean): string {
    const dir = copyOf(built.dir);
    if (unclean) removeCleanMarker(dir);
    const path = join(partitionDir(dir), lastSegment);
    const data = readFileSync(path);
    for (const p of positions) data[lastBatch.pos + p] ^= xor;
    writeFileSync(path, data);
    return dir;
  }
  const flips = fc.uniqueArray(fc.integer({ min: 0, max: 129 }), { minLength: 1, maxLength: 4 }); // within the batch: checked below

  it('drops a last batch with flipped bytes, unless only the leader epoch changed', async () => {
    expect(lastBatch.size).toBeGreaterThan(129);
    // Bytes 12-15 hold the partition leader epoch: not covered by the CRC, and not part of any record.
    const outsideCrc = (i: number): boolean => i >= 12 && i < 16;
    await fc.assert(fc.asyncProperty(flips, fc.integer({ min: 1, max: 255 }), fc.boolean(), async (positions, xor, unclean) => {
      const dir = flipLastBatch(positions, xor, unclean);
      await withStore(dir, async (s) => {
        if (positions.every(outsideCrc)) {
          expect(s.stats.truncatedBytes).toBe(0);
          expect((await readAll(s, 't')).map(plain)).toEqual(built.model.map(plain));
        } else {
          expect(s.stats.truncatedBytes).toBe(lastBatch.size);
          await checkAppendsContinue(s, built.model, lastBatch.baseOffset);
        }
      });
      rmSync(dir, { recursive: true, force: true });
    }), { numRuns: 60 });
  });

  it('keeps a log whose last segment is wholly torn, and appends from its base offset', async () => {
    const dir = copyOf(built.dir);
    removeCleanMarker(dir);
    const base = Number(lastSegment.slice(0, 20));
    truncateSync(join(partitionDir(dir), lastSegment), 7);
    await withStore(dir, async (s) => {
      expect(s.stats.truncatedBytes).toBe(7);
      expect(s.logEndOffset('t', 0)).toBe(base);
      await checkAppendsContinue(s, built.model, base);
    });
  });

  it('recovers a directory copied from an open store (no close at all)', async () => {
    const dir = tempDir();
    const s = await openStore(dir);
    await s.createTopic('t', { segmentBytes: 1024, maxBatchBytes: 1024, retentionMs: -1 });
    for (let i = 0; i < 40; i++) await s.append('t', [{ value: Buffer.alloc(50, i), timestamp: T0 + i }]);
    const copy = copyOf(dir);
    await s.close();
    writeFileSync(join(copy, '.lock'), '999999999\n');
    expect(existsSync(join(copy, '.clean-shutdown'))).toBe(false);
    await withStore(copy, async (again) => {
      expect(again.stats.truncatedBytes).toBe(0);
      expect(again.stats.recoveredPartitions).toBe(1);
      expect((await readAll(again, 't')).map((r) => r.value)).toEqual(Array.from({ length: 40 }, (_, i) => Buffer.alloc(50, i)));
      expect(await again.offsetForTimestamp('t', 0, T0 + 17)).toBe(17);
    });
  });
});

describe('damaged indexes', () => {
  let built: Built;
  let segments: string[];

  beforeAll(async () => {
    // Segments of 16 KiB and batches of 0.3-1.2 KiB: several index entries per segment.
    built = await buildLog({ segmentBytes: 16 * 1024, valueBytes: 300 }, 120);
    segments = segmentFiles(partitionDir(built.dir)).map((f) => f.name.slice(0, 20));
    expect(segments.length).toBeGreaterThan(3);
    expect(readFileSync(join(partitionDir(built.dir), `${segments[0]}.index`)).length).toBeGreaterThan(3 * 8);
  });

  const damages: [string, (path: string) => void][] = [
    ['deleted', (p) => unlinkSync(p)],
    ['emptied', (p) => truncateSync(p, 0)],
    ['cut mid-entry', (p) => truncateSync(p, Math.floor(readFileSync(p).length / 2) | 1)],
    ['cut to its first half of whole entries', (p) => {
      const entry = p.endsWith('.timeindex') ? 12 : 8;
      truncateSync(p, Math.floor(readFileSync(p).length / entry / 2) * entry);
    }],
    ['zero-filled', (p) => writeFileSync(p, Buffer.alloc(readFileSync(p).length))],
    ['overwritten with random bytes', (p) => {
      const data = readFileSync(p);
      for (let i = 0; i < data.length; i++) data[i] = (i * 167 + 13) & 0xff ^ (i >> 3);
      writeFileSync(p, data);
    }],
  ];
  // Older segments load their indexes the same way after a clean or an unclean stop; the last one does not.
  const targets: [string, (all: string[]) => string[], boolean[]][] = [
    ['the last segment', (all) => all.slice(-1), [false, true]],
    ['the oldest segment', (all) => all.slice(0, 1), [false]],
    ['every segment', (all) => all, [false]],
  ];
  const cases = damages.flatMap(([how, damage]) => targets.flatMap(([which, pick, stops]) =>
    (['index', 'timeindex', 'both'] as const).map((kind) => ({ how, damage, which, pick, stops, kind }))));

  it.each(cases)('$kind of $which $how: reads and time lookups stay right', async ({ damage, pick, stops, kind }) => {
    for (const unclean of stops) {
      const dir = copyOf(built.dir);
      if (unclean) removeCleanMarker(dir);
      for (const seg of pick(segments)) {
        const base = join(partitionDir(dir), seg);
        if (kind !== 'timeindex') damage(`${base}.index`);
        if (kind !== 'index') damage(`${base}.timeindex`);
      }
      await withStore(dir, async (s) => {
        expect(s.logEndOffset('t', 0)).toBe(built.model.length);
        expect((await readAll(s, 't')).map(plain)).toEqual(built.model.map(plain));
        for (let o = 0; o < built.model.length; o += 23) {
          const res = await s.read('t', 0, { offset: o, maxBytes: 1 });
          expect(res.records[0].offset).toBe(o);
        }
        for (let t = T0 - 500; t < T0 + 12_500; t += 433) {
          const expected = built.model.find((r) => r.timestamp >= t)?.offset ?? null;
          expect([unclean, t - T0, await s.offsetForTimestamp('t', 0, t)]).toEqual([unclean, t - T0, expected]);
        }
      });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('damage inside an older segment', () => {
  let built: Built;
  let oldest: string;
  let victim: { pos: number; size: number; baseOffset: number; lastOffset: number };

  beforeAll(async () => {
    built = await buildLog({ segmentBytes: 2048, valueBytes: 40 }, 40);
    const files = segmentFiles(partitionDir(built.dir));
    expect(files.length).toBeGreaterThan(2);
    oldest = files[0].path.slice(built.dir.length + 1);
    const batches = batchesOf(files[0].path);
    expect(batches.length).toBeGreaterThan(4);
    victim = batches[Math.floor(batches.length / 2)];
  });

  it('never returns damaged bytes as records: a read of the range is right or CORRUPT_DATA', async () => {
    await fc.assert(fc.asyncProperty(
      fc.uniqueArray(fc.integer({ min: 0, max: victim.size - 1 }), { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 1, max: 255 }),
      fc.boolean(),
      async (positions, xor, unclean) => {
        const dir = copyOf(built.dir);
        if (unclean) removeCleanMarker(dir);
        const data = readFileSync(join(dir, oldest));
        for (const p of positions) data[victim.pos + p] ^= xor;
        writeFileSync(join(dir, oldest), data);
        await withStore(dir, async (s) => {
          expect(s.logEndOffset('t', 0)).toBe(built.model.length); // only the last segment is checked at open
          // Before the damage: intact.
          const before = await s.read('t', 0, { offset: 0, maxBytes: victim.pos });
          expect(before.records.map(plain)).toEqual(built.model.slice(0, before.records.length).map(plain));
          expect(before.nextOffset).toBeLessThanOrEqual(victim.baseOffset);
          // The damaged range: the right records, or a typed error naming the damage.
          for (let o = victim.baseOffset; o <= victim.lastOffset; o++) {
            try {
              const res = await s.read('t', 0, { offset: o, maxBytes: 1 });
              expect(res.records.map(plain)).toEqual(built.model.slice(o, victim.lastOffset + 1).map(plain));
            } catch (err) {
              expect(isKlogError(err, 'CORRUPT_DATA'), String(err)).toBe(true);
            }
          }
          // Past the damage: intact, as long as the batch length still leads there.
          const after = await s.read('t', 0, { offset: victim.lastOffset + 1, maxBytes: 1 }).catch((err: unknown) => err);
          if (!isKlogError(after)) {
            expect(plain((after as ReadResult).records[0])).toEqual(plain(built.model[victim.lastOffset + 1]));
          }
        });
        rmSync(dir, { recursive: true, force: true });
      },
    ), { numRuns: 60 });
  });

  it('reports a damaged record body as CORRUPT_DATA, and serves the batches before it', async () => {
    const dir = copyOf(built.dir);
    const data = readFileSync(join(dir, oldest));
    data[victim.pos + victim.size - 3] ^= 0x55;
    writeFileSync(join(dir, oldest), data);
    await withStore(dir, async (s) => {
      let caught: unknown;
      await s.read('t', 0, { offset: victim.baseOffset }).catch((err: unknown) => {
        caught = err;
      });
      expect(isKlogError(caught, 'CORRUPT_DATA')).toBe(true);
      expect((caught as Error).message).toContain(`at byte ${victim.pos}`);
      const first = await s.read('t', 0, { offset: 0, maxBytes: 1 << 20 });
      expect(first.nextOffset).toBe(victim.baseOffset); // stops before the damage...
      expect(first.records.map(plain)).toEqual(built.model.slice(0, victim.baseOffset).map(plain));
      const next = await s.read('t', 0, { offset: victim.lastOffset + 1 }); // ...and reads past it work
      expect(next.records[0].offset).toBe(victim.lastOffset + 1);
    });
  });
});
