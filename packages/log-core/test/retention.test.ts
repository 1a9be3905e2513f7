import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogStore } from '../src/log-store.js';
import { expectKlogError, openStore, readAll, removeTempDirs, segmentFiles, tempDir } from './store-fixture.js';

const T0 = 1_700_000_000_000;
const open: LogStore[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  removeTempDirs();
});

/** A store whose clock the test moves; retention's own timer is pushed out of the way. */
async function storeWithClock(dir = tempDir()): Promise<{ s: LogStore; clock: { t: number }; dir: string }> {
  const clock = { t: T0 };
  const s = await openStore(dir, { now: () => clock.t, retentionCheckMs: 3_600_000 });
  open.push(s);
  return { s, clock, dir };
}

/** Appends `n` single-record batches of ~200 bytes stamped `ts`. */
async function fill(s: LogStore, n: number, ts: number): Promise<void> {
  for (let i = 0; i < n; i++) await s.append('t', [{ value: Buffer.alloc(200, i), timestamp: ts }]);
}

const small = { segmentBytes: 1024, maxBatchBytes: 1024 };

describe('retention by time', () => {
  it('deletes segments whose newest record is older than retentionMs, never the active one', async () => {
    const { s, clock, dir } = await storeWithClock();
    await s.createTopic('t', { ...small, retentionMs: 60_000 });
    await fill(s, 20, T0);
    const before = s.describeTopic('t').partitions[0];
    expect(before.segments).toBeGreaterThan(3);

    clock.t = T0 + 60_000; // exactly at the limit: kept
    await s.enforceRetention();
    expect(s.describeTopic('t').partitions[0].segments).toBe(before.segments);
    expect(s.logStartOffset('t', 0)).toBe(0);

    clock.t = T0 + 60_001;
    await s.enforceRetention();
    const after = s.describeTopic('t').partitions[0];
    expect(after.segments).toBe(1); // every record is old, but the active segment stays
    expect(after.logEndOffset).toBe(20);
    const files = segmentFiles(join(dir, 't-0'));
    expect(files).toHaveLength(1);
    expect(after.logStartOffset).toBe(Number(files[0].name.slice(0, 20)));
    expect(after.logStartOffset).toBeGreaterThan(0);
    await expectKlogError(s.read('t', 0, { offset: 0 }), 'OFFSET_OUT_OF_RANGE');
    expect((await readAll(s, 't')).map((r) => r.offset)).toEqual(
      Array.from({ length: 20 - after.logStartOffset }, (_, i) => after.logStartOffset + i));
  });

  it('keeps a segment while any of its records is young', async () => {
    const { s, clock } = await storeWithClock();
    await s.createTopic('t', { ...small, retentionMs: 60_000 });
    await fill(s, 2, T0);
    await fill(s, 1, T0 + 50_000); // the third batch of the first segment: it stays
    await fill(s, 10, T0);
    expect(s.describeTopic('t').partitions[0].segments).toBeGreaterThan(2);
    clock.t = T0 + 100_000;
    await s.enforceRetention();
    expect(s.logStartOffset('t', 0)).toBe(0);
    clock.t = T0 + 110_001;
    await s.enforceRetention();
    expect(s.logStartOffset('t', 0)).toBeGreaterThan(0);
  });

  it('deletes only the expired segments when two retention runs overlap', async () => {
    const { s, clock } = await storeWithClock();
    await s.createTopic('t', { ...small, retentionMs: 60_000 });
    await fill(s, 3, T0); // segment 0: old
    await fill(s, 6, T0 + 50_000); // segments 1 and 2: young
    const segments = s.describeTopic('t').partitions[0].segments;
    expect(segments).toBe(3);
    await s.enforceRetention(); // nothing is expired yet; settles the run each roll started
    clock.t = T0 + 60_001;
    await Promise.all([s.enforceRetention(), s.enforceRetention()]);
    const p = s.describeTopic('t').partitions[0];
    expect(p.segments).toBe(2);
    expect(p.logStartOffset).toBe(3);
    expect((await readAll(s, 't')).map((r) => r.offset)).toEqual([3, 4, 5, 6, 7, 8]);
  });

  it('survives retention runs and deleteRecordsBefore at once, down to the active segment', async () => {
    const { s, clock } = await storeWithClock();
    await s.createTopic('t', { ...small, retentionMs: 1000 });
    await fill(s, 30, T0);
    clock.t = T0 + 10_000;
    await Promise.all([s.enforceRetention(), s.enforceRetention(), s.deleteRecordsBefore('t', 0, 3)]);
    const p = s.describeTopic('t').partitions[0];
    expect(p.segments).toBe(1);
    expect(p.logEndOffset).toBe(30);
    await fill(s, 1, clock.t);
    expect(s.logEndOffset('t', 0)).toBe(31);
  });
});

describe('retention by size', () => {
  it('deletes the oldest segments while the rest still hold retentionBytes', async () => {
    const { s, dir } = await storeWithClock();
    await s.createTopic('t', { ...small, retentionBytes: 3000, retentionMs: -1 });
    await fill(s, 40, T0);
    await s.enforceRetention();
    const p = s.describeTopic('t').partitions[0];
    await s.close(); // waits for the retention a roll started, so its file deletions are done too
    const files = segmentFiles(join(dir, 't-0'));
    expect(files).toHaveLength(p.segments);
    const total = files.reduce((n, f) => n + f.size, 0);
    expect(total).toBe(p.sizeBytes);
    expect(total).toBeGreaterThanOrEqual(3000); // never below the limit
    expect(total - files[0].size).toBeLessThan(3000); // and no more segments than needed to reach it
    expect(p.logStartOffset).toBe(Number(files[0].name.slice(0, 20)));
    const again = await openStore(dir);
    open.push(again);
    expect((await readAll(again, 't')).length).toBe(40 - p.logStartOffset);
  });
});

describe('segment rolling by age', () => {
  it('rolls when the active segment is segmentMs old', async () => {
    const { s, clock } = await storeWithClock();
    await s.createTopic('t', { segmentMs: 1000, retentionMs: -1 });
    await fill(s, 2, T0);
    clock.t = T0 + 999;
    await fill(s, 1, T0);
    expect(s.describeTopic('t').partitions[0].segments).toBe(1);
    clock.t = T0 + 1000;
    await fill(s, 1, T0);
    expect(s.describeTopic('t').partitions[0].segments).toBe(2);
    clock.t = T0 + 1500;
    await fill(s, 1, T0);
    expect(s.describeTopic('t').partitions[0].segments).toBe(2); // the new segment's age counts from its creation
    expect((await readAll(s, 't')).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('deleteRecordsBefore', () => {
  it('moves the start offset, deletes whole segments below it, and persists across reopen', async () => {
    const { s, dir } = await storeWithClock();
    await s.createTopic('t', { ...small, retentionMs: -1 });
    await fill(s, 20, T0);
    const segments = s.describeTopic('t').partitions[0].segments;
    await s.deleteRecordsBefore('t', 0, 9);
    expect(s.logStartOffset('t', 0)).toBe(9);
    expect(s.describeTopic('t').partitions[0].segments).toBeLessThan(segments);
    expect(Number(segmentFiles(join(dir, 't-0'))[0].name.slice(0, 20))).toBeLessThanOrEqual(9);
    await s.deleteRecordsBefore('t', 0, 5); // below the start: nothing changes
    expect(s.logStartOffset('t', 0)).toBe(9);
    await expectKlogError(s.deleteRecordsBefore('t', 0, 21), 'OFFSET_OUT_OF_RANGE');
    await s.close();

    const again = await openStore(dir, { retentionCheckMs: 3_600_000 });
    open.push(again);
    expect(again.logStartOffset('t', 0)).toBe(9);
    await expectKlogError(again.read('t', 0, { offset: 8 }), 'OFFSET_OUT_OF_RANGE');
    expect((await readAll(again, 't')).map((r) => r.offset)).toEqual(Array.from({ length: 11 }, (_, i) => 9 + i));
    await again.deleteRecordsBefore('t', 0, 20); // up to the end: the log is empty but keeps its offsets
    expect(again.logStartOffset('t', 0)).toBe(20);
    expect((await again.append('t', [{ value: Buffer.from('x') }]))[0].offset).toBe(20);
  });
});
