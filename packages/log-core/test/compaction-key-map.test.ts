// The compaction key map's memory bound (compactionKeyMapBytes, src/log-cleaner.ts): a pass maps only the
// dirty segments whose keys fit, cleans up to there, and the next pass goes on, as Kafka's dedupe buffer does.
import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogStore } from '../src/log-store.js';
import { bytes, expectKlogError, openStore, plain, readAll, removeTempDirs, tempDir } from './store-fixture.js';

afterEach(removeTempDirs);

const T0 = 1_700_000_000_000;
const KEYS = 40;
const ROUNDS = 5;

/** ROUNDS values of KEYS keys, one record per batch, about ten to a 1 KiB segment; then a copy of the directory. */
async function twoCopies(): Promise<[string, string]> {
  const dir = tempDir('klog-keymap-');
  const store = await openStore(dir, { now: () => T0 });
  await store.createTopic('c', { cleanupPolicy: 'compact', segmentBytes: 1024, maxBatchBytes: 1024 });
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < KEYS; k++) {
      const value = k % 7 === 3 && round === ROUNDS - 1 ? null : bytes(`v${round}-${'x'.repeat(40)}`);
      await store.append('c', [{ key: bytes(`k${k}`), value, timestamp: T0 }]);
    }
  }
  await store.close();
  const copy = tempDir('klog-keymap-copy-');
  cpSync(dir, copy, { recursive: true });
  return [dir, copy];
}

async function records(store: LogStore): Promise<unknown[]> {
  return (await readAll(store, 'c')).map((r) => plain(r));
}

describe('compactionKeyMapBytes', () => {
  it('a bound too small for one key still cleans, a segment a pass, to what one unbounded pass gives', async () => {
    const [bounded, unbounded] = await twoCopies();
    const whole = await openStore(unbounded, { now: () => T0 });
    const before = await records(whole);
    const once = await whole.compact('c');
    const expected = await records(whole);
    await whole.close();
    expect(expected.length).toBeLessThan(before.length / 2);

    const store = await openStore(bounded, { now: () => T0, compactionKeyMapBytes: 1 });
    try {
      const segments = store.describeTopic('c').partitions[0].segments;
      expect(segments).toBeGreaterThan(10);
      // The first pass maps the first segment only: its keys have no later record in the map, so it changes
      // nothing, while the unbounded pass rewrote almost every segment.
      const first = await store.compact('c');
      expect(first.segmentsCleaned).toBe(0);
      expect(once.segmentsCleaned).toBeGreaterThan(segments / 2);
      expect(await records(store)).toEqual(before);
      // Each further pass maps one more dirty segment and cleans everything before it.
      let passes = 1;
      for (; passes < segments; passes++) {
        await store.compact('c');
        const now = await records(store);
        if (JSON.stringify(now) === JSON.stringify(expected)) break;
      }
      expect(await records(store)).toEqual(expected);
      expect(passes).toBeGreaterThan(segments / 2);
      // Done: more passes change nothing.
      expect((await store.compact('c')).segmentsCleaned).toBe(0);
      expect(await records(store)).toEqual(expected);
    } finally {
      await store.close();
    }
  });

  it('a bound that fits a few segments of keys needs several passes, fewer than one a segment, to the same result', async () => {
    const [bounded, unbounded] = await twoCopies();
    const whole = await openStore(unbounded, { now: () => T0 });
    await whole.compact('c');
    const expected = await records(whole);
    await whole.close();
    // Room for 35 keys of 3 bytes: three segments of ten distinct keys a pass.
    const store = await openStore(bounded, { now: () => T0, compactionKeyMapBytes: 35 * 67 });
    try {
      const segments = store.describeTopic('c').partitions[0].segments;
      let passes = 0;
      while (JSON.stringify(await records(store)) !== JSON.stringify(expected)) {
        expect(passes++).toBeLessThan(40);
        await store.compact('c');
      }
      expect(passes).toBeGreaterThan(2);
      expect(passes).toBeLessThan(segments / 2);
    } finally {
      await store.close();
    }
  });

  it('a batch kept whole before an empty active segment is mapped again: its tombstone never outlives its value', async () => {
    const dir = tempDir('klog-keymap-kept-');
    const clock = { now: T0 };
    let store = await openStore(dir, { now: () => clock.now });
    await store.createTopic('c', { cleanupPolicy: 'compact', segmentBytes: 1024, maxBatchBytes: 1024, deleteRetentionMs: 1000 });
    for (let i = 0; i < 30; i++) await store.append('c', [{ key: bytes(`f${i % 3}`), value: bytes(`${i}-${'x'.repeat(40)}`) }]);
    // One batch: a value of k, then its tombstone. It ends the last sealed segment.
    await store.append('c', [{ key: bytes('k'), value: bytes('old') }, { key: bytes('k'), value: null }]);
    const end = store.logEndOffset('c', 0);
    await store.close();
    // The empty active segment a roll leaves when the process dies before the first write to it.
    writeFileSync(join(dir, 'c-0', `${String(end).padStart(20, '0')}.log`), '');
    store = await openStore(dir, { now: () => clock.now });
    try {
      expect(store.describeTopic('c').partitions[0].segments).toBeGreaterThan(2);
      await store.compact('c'); // keeps k's whole batch: the active segment is empty
      await store.append('c', [{ key: bytes('other'), value: bytes('v') }]);
      clock.now += 60_000; // the tombstone has expired
      await store.compact('c');
      const k = (await readAll(store, 'c')).filter((r) => r.key?.toString() === 'k');
      // Either both go or the tombstone stays last: never the old value alone.
      expect(k.map((r) => r.value?.toString() ?? null).at(-1) ?? null).toBeNull();
    } finally {
      await store.close();
    }
    expect(readdirSync(join(dir, 'c-0')).some((n) => n.endsWith('.cleaned'))).toBe(false);
  });

  it('must be a positive integer', async () => {
    await expectKlogError(openStore(tempDir('klog-keymap-bad-'), { compactionKeyMapBytes: 0 }), 'INVALID_CONFIG');
    await expectKlogError(openStore(tempDir('klog-keymap-bad-'), { compactionKeyMapBytes: 1.5 }), 'INVALID_CONFIG');
  });
});
