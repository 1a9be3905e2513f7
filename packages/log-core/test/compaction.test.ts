// Key-based compaction (src/log-cleaner.ts, src/compaction-swap.ts) against a real LogStore in a temp dir.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeBatch, iterateBatches } from '../src/batch/record-batch.js';
import type { LogStore } from '../src/log-store.js';
import type { StoredRecord } from '../src/types.js';
import { bytes, expectKlogError, openStore, readAll, removeTempDirs, tempDir } from './store-fixture.js';

afterEach(removeTempDirs);

const T0 = 1_700_000_000_000;
const DAY = 24 * 3600 * 1000;
const COMPACT = { cleanupPolicy: 'compact' as const, segmentBytes: 1024, maxBatchBytes: 1024 };

/** A store whose clock the test moves. */
async function clockStore(dir = tempDir('klog-compact-')): Promise<{ store: LogStore; clock: { now: number }; dir: string }> {
  const clock = { now: T0 };
  const store = await openStore(dir, { now: () => clock.now });
  return { store, clock, dir };
}

/** Appends `rounds` values for each of `keys` keys, one record per call, so batches hold one record each. */
async function writeRounds(store: LogStore, keys: number, rounds: number, clock: { now: number }): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < keys; k++) {
      await store.append('c', [{ key: bytes(`k${k}`), value: bytes(`v${round}-${'x'.repeat(40)}`), timestamp: clock.now }]);
    }
  }
}

const view = (records: StoredRecord[]): Map<string, string | null> => {
  const m = new Map<string, string | null>();
  for (const r of records) if (r.key) m.set(r.key.toString(), r.value?.toString() ?? null);
  return m;
};

describe('topic config cleanupPolicy', () => {
  it('defaults to delete, accepts compact and compact,delete, is saved in topics.json, and rejects anything else', async () => {
    const { store, dir } = await clockStore();
    await store.createTopic('d');
    expect(store.describeTopic('d').config.cleanupPolicy).toBe('delete');
    await store.createTopic('c', { cleanupPolicy: 'compact' });
    await store.alterTopicConfig('d', { cleanupPolicy: 'compact,delete', deleteRetentionMs: 1000 });
    await expectKlogError(store.createTopic('x', { cleanupPolicy: 'shred' as never }), 'INVALID_CONFIG');
    await expectKlogError(store.createTopic('y', { minCleanableDirtyRatio: 2 }), 'INVALID_CONFIG');
    await store.close();
    const saved = JSON.parse(readFileSync(join(dir, 'topics.json'), 'utf8')) as { topics: Record<string, { cleanupPolicy: string }> };
    expect(saved.topics.c.cleanupPolicy).toBe('compact');
    const again = await openStore(dir);
    expect(again.describeTopic('d').config).toMatchObject({ cleanupPolicy: 'compact,delete', deleteRetentionMs: 1000 });
    await expectKlogError(again.compact('x-missing'), 'UNKNOWN_TOPIC');
    await again.close();
  });

  it('a topics.json without the setting (written before compaction existed) opens as delete', async () => {
    const dir = tempDir('klog-compact-old-');
    writeFileSync(join(dir, 'topics.json'), JSON.stringify({ version: 1, topics: { old: { partitions: 1, retentionMs: 1000 } } }));
    const store = await openStore(dir);
    expect(store.describeTopic('old').config.cleanupPolicy).toBe('delete');
    await expectKlogError(store.compact('old'), 'INVALID_CONFIG');
    await store.close();
  });
});

describe('compact', () => {
  it('keeps the latest record of every key at its offset, and reads in a gap return the next record', async () => {
    const { store, clock } = await clockStore();
    await store.createTopic('c', COMPACT);
    await writeRounds(store, 5, 20, clock);
    const before = await readAll(store, 'c');
    const report = await store.compact('c');
    expect(report.segmentsCleaned).toBeGreaterThan(0);
    expect(report.bytesAfter).toBeLessThan(report.bytesBefore);
    const after = await readAll(store, 'c', 0);
    // Offsets never change: every survivor is the record that was at its offset.
    const byOffset = new Map(before.map((r) => [r.offset, r]));
    for (const r of after) expect(r.value?.toString()).toBe(byOffset.get(r.offset)?.value?.toString());
    expect(after.length).toBeLessThan(before.length);
    expect(view(after)).toEqual(view(before));
    expect(store.logStartOffset('c', 0)).toBe(0);
    expect(store.logEndOffset('c', 0)).toBe(100);
    // A read at a removed offset returns the next record that exists.
    const survivors = after.map((r) => r.offset);
    const gap = [...Array(100).keys()].find((o) => !survivors.includes(o))!;
    const res = await store.read('c', 0, { offset: gap, maxBytes: 1 });
    expect(res.records[0].offset).toBe(survivors.find((o) => o > gap));
    expect((await store.readBatches('c', 0, { offset: gap, maxBytes: 1 })).nextOffset).toBeGreaterThan(gap);
    // Each key appears once in what was cleaned; the newer ones stay in the active segment.
    const cleanedPart = after.filter((r) => r.offset < 100 - 15);
    const keys = cleanedPart.map((r) => r.key!.toString());
    expect(new Set(keys).size).toBe(keys.length);
    await store.close();
  });

  it('rewrites compressed batches of many records with the same codec, each kept record at its own offset', async () => {
    for (const compression of ['gzip', 'lz4'] as const) {
      const { store, clock } = await clockStore();
      await store.createTopic('c', { ...COMPACT, segmentBytes: 2048, maxBatchBytes: 2048 });
      for (let b = 0; b < 40; b++) {
        const records = Array.from({ length: 10 }, (_, i) => ({ key: bytes(`k${(b * 10 + i) % 7}`), value: bytes(`${b}.${i}-${'z'.repeat(20)}`), timestamp: clock.now }));
        await store.append('c', records, { compression });
      }
      const before = await readAll(store, 'c', 0);
      expect((await store.compact('c')).segmentsCleaned).toBeGreaterThan(0);
      const after = await readAll(store, 'c', 0, undefined, 100);
      const byOffset = new Map(before.map((r) => [r.offset, r.value?.toString()]));
      for (const r of after) expect(r.value?.toString()).toBe(byOffset.get(r.offset));
      expect(view(after)).toEqual(view(before));
      const raw = await store.readBatches('c', 0, { offset: 0, maxBytes: 1 << 20 });
      expect([...iterateBatches(raw.data)].every(({ header }) => header.compression === compression)).toBe(true);
      await store.close();
    }
  });

  it('survives reopening: the cleaned segments and their rebuilt indexes read the same', async () => {
    const { store, clock, dir } = await clockStore();
    await store.createTopic('c', COMPACT);
    await writeRounds(store, 4, 25, clock);
    await store.compact('c');
    const after = await readAll(store, 'c', 0);
    const t = (await store.offsetForTimestamp('c', 0, T0))!;
    await store.close();
    expect(JSON.parse(readFileSync(join(dir, 'klog-format.json'), 'utf8'))).toEqual({ formatVersion: 2 });
    expect(readdirSync(join(dir, 'c-0')).filter((n) => n.includes('cleaned') || n.includes('swap'))).toEqual([]);
    const again = await openStore(dir, { now: () => clock.now });
    expect(await readAll(again, 'c', 0)).toEqual(after);
    expect(await again.offsetForTimestamp('c', 0, T0)).toBe(t);
    await again.close();
  });

  it('removes a tombstone and its key only after deleteRetentionMs', async () => {
    const { store, clock } = await clockStore();
    await store.createTopic('c', COMPACT);
    await writeRounds(store, 3, 3, clock);
    await store.append('c', [{ key: bytes('k1'), value: null, timestamp: clock.now }]);
    await writeRounds(store, 3, 30, clock); // pushes the tombstone out of the active segment
    await store.append('c', [{ key: bytes('gone'), value: bytes('x'), timestamp: clock.now }]);
    await store.append('c', [{ key: bytes('gone'), value: null, timestamp: clock.now }]);
    await writeRounds(store, 3, 30, clock);
    await store.compact('c');
    const tombstones = (await readAll(store, 'c', 0)).filter((r) => r.key?.toString() === 'gone');
    expect(tombstones.map((r) => r.value)).toEqual([null]); // the value is gone, the tombstone stays a day
    clock.now += DAY + 1;
    await store.compact('c');
    expect((await readAll(store, 'c', 0)).filter((r) => r.key?.toString() === 'gone')).toEqual([]);
    await store.close();
  });

  it('leaves records younger than minCompactionLagMs, and keyless records, alone', async () => {
    const { store, clock } = await clockStore();
    await store.createTopic('c', { ...COMPACT, minCompactionLagMs: 60_000 });
    await store.append('c', [{ key: null, value: bytes('keyless') }]);
    await writeRounds(store, 2, 40, clock);
    expect((await store.compact('c')).segmentsCleaned).toBe(0);
    clock.now += 60_001;
    expect((await store.compact('c')).segmentsCleaned).toBeGreaterThan(0);
    expect((await readAll(store, 'c', 0))[0].value?.toString()).toBe('keyless');
    await store.close();
  });

  it('keeps producer id, epoch and base sequence on rewritten batches; the producer state stays right', async () => {
    const { store, clock } = await clockStore();
    await store.createTopic('c', COMPACT);
    for (let seq = 0; seq < 40; seq++) {
      const batch = encodeBatch([{ key: bytes(`k${seq % 2}`), value: bytes(`v${seq}-${'y'.repeat(60)}`), timestamp: clock.now }],
        { producerId: 7, producerEpoch: 0, baseSequence: seq });
      await store.appendBatch('c', 0, batch);
    }
    await store.compact('c');
    const raw = await store.readBatches('c', 0, { offset: 0, maxBytes: 1 << 20 });
    for (const { header } of iterateBatches(raw.data)) {
      expect([header.producerId, header.producerEpoch, header.baseSequence]).toEqual([7, 0, header.baseOffset]);
    }
    // A retry of the last batch is still recognised as a duplicate.
    const dup = encodeBatch([{ key: bytes('k1'), value: bytes('again'), timestamp: clock.now }], { producerId: 7, producerEpoch: 0, baseSequence: 39 });
    expect(await store.appendBatch('c', 0, dup)).toEqual({ baseOffset: 39, lastOffset: 39 });
    await store.close();
  });

  it('compact,delete also applies time retention; compact alone does not', async () => {
    const { store, clock } = await clockStore();
    await store.createTopic('c', { ...COMPACT, retentionMs: 1000 });
    await writeRounds(store, 3, 30, clock);
    clock.now += 5000;
    await store.enforceRetention();
    expect(store.logStartOffset('c', 0)).toBe(0);
    await store.alterTopicConfig('c', { cleanupPolicy: 'compact,delete' });
    await store.enforceRetention();
    expect(store.logStartOffset('c', 0)).toBeGreaterThan(0);
    await store.close();
  });

  it('readers during a pass see whole records at their offsets and the same latest values', async () => {
    const dir = tempDir('klog-compact-readers-');
    const clock = { now: T0 };
    const store = await openStore(dir, { now: () => clock.now, compactionBytesPerSecond: 64 * 1024 });
    await store.createTopic('c', COMPACT);
    await writeRounds(store, 4, 40, clock);
    const before = await readAll(store, 'c', 0);
    const byOffset = new Map(before.map((r) => [r.offset, r.value?.toString()]));
    let done = false;
    const pass = store.compact('c').finally(() => {
      done = true;
    });
    let reads = 0;
    while (!done || reads === 0) {
      const got = await readAll(store, 'c', 0, undefined, 300);
      for (const r of got) expect(r.value?.toString()).toBe(byOffset.get(r.offset));
      expect(view(got)).toEqual(view(before));
      reads++;
    }
    expect((await pass).segmentsCleaned).toBeGreaterThan(0);
    expect(reads).toBeGreaterThan(1);
    await store.close();
  });

  it('a close stops a pass in progress: nothing is swapped, no cleaned file is left, the records are as before', async () => {
    const dir = tempDir('klog-compact-close-');
    const clock = { now: T0 };
    const store = await openStore(dir, { now: () => clock.now, compactionBytesPerSecond: 4 * 1024 });
    await store.createTopic('c', COMPACT);
    await writeRounds(store, 4, 40, clock);
    const before = await readAll(store, 'c', 0);
    const pass = store.compact('c');
    await new Promise((r) => setTimeout(r, 50));
    await store.close();
    expect((await pass).segmentsCleaned).toBe(0);
    expect(readdirSync(join(dir, 'c-0')).filter((n) => n.includes('cleaned') || n.includes('swap'))).toEqual([]);
    const again = await openStore(dir, { now: () => clock.now });
    expect(await readAll(again, 'c', 0)).toEqual(before);
    await again.close();
  });

  it('runs in the background once the dirty ratio passes minCleanableDirtyRatio', async () => {
    const { store, clock } = await clockStore();
    await store.close();
    const dir = tempDir('klog-compact-bg-');
    const bg = await openStore(dir, { now: () => clock.now, compactionCheckMs: 20 });
    await bg.createTopic('c', { ...COMPACT, minCleanableDirtyRatio: 0.1 });
    await writeRounds(bg, 2, 60, clock);
    const size = bg.describeTopic('c').partitions[0].sizeBytes;
    await expect.poll(() => bg.describeTopic('c').partitions[0].sizeBytes, { timeout: 5000 }).toBeLessThan(size);
    await bg.close();
  });
});
