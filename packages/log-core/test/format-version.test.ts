// The data directory's storage format (src/format-version.ts): a directory written before the format was
// recorded keeps reading back exactly, and a directory of a newer format is refused untouched.
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isKlogError } from '../src/errors.js';
import type { LogStore } from '../src/log-store.js';
import { eventsRecords, ordersRecords, ORDERS_1_LOG_START } from './fixtures/format-v1-records.js';
import { crashCopy, openStore, plain, readAll, removeCleanMarker, removeTempDirs, tempDir } from './store-fixture.js';

afterAll(removeTempDirs);

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'format-v1');

/** Every file under `dir` with its bytes and modification time: what "left untouched" compares. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      out[path.slice(dir.length)] = e.isDirectory() ? `dir ${statSync(path).mtimeMs}` : `${statSync(path).mtimeMs} ${readFileSync(path).toString('hex')}`;
      if (e.isDirectory()) walk(path);
    }
  };
  walk(dir);
  return out;
}

function copyOfFixture(): string {
  const dir = tempDir('klog-format-v1-');
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

async function expectFixtureRecords(store: LogStore): Promise<void> {
  expect(store.listTopics()).toEqual(['events', 'idle', 'orders']);
  const orders = store.describeTopic('orders');
  expect(orders.config).toMatchObject({ partitions: 2, segmentBytes: 1024, retentionMs: -1 });
  expect(orders.partitions.map((p) => p.segments)).toEqual([5, 3]);

  const expected0 = ordersRecords(0).map((r, i) => plain({ ...r, offset: i }));
  expect((await readAll(store, 'orders', 0)).map(plain)).toEqual(expected0);
  expect(store.logStartOffset('orders', 1)).toBe(ORDERS_1_LOG_START);
  const expected1 = ordersRecords(1).map((r, i) => plain({ ...r, offset: i })).slice(ORDERS_1_LOG_START);
  expect((await readAll(store, 'orders', 1)).map(plain)).toEqual(expected1);

  const { gzip, plain: uncompressed } = eventsRecords();
  const expectedEvents = [...gzip, ...uncompressed].map((r, i) => plain({ ...r, offset: i }));
  expect((await readAll(store, 'events', 0)).map(plain)).toEqual(expectedEvents);

  expect(store.logEndOffset('idle', 0)).toBe(0);
  expect(await store.offsetForTimestamp('orders', 0, 1_700_000_000_020)).toBe(20);
}

describe('a format-1 data directory written before the format was recorded', () => {
  it('opens and reads back exactly the records written into it, and is recorded as format 1', async () => {
    const before = snapshot(FIXTURE);
    const dir = copyOfFixture();
    const store = await openStore(dir);
    try {
      await expectFixtureRecords(store);
      expect(JSON.parse(readFileSync(join(dir, 'klog-format.json'), 'utf8'))).toEqual({ formatVersion: 1 });
      // It still takes appends where it left off.
      const [ack] = await store.append('idle', [{ value: Buffer.from('first') }]);
      expect(ack).toEqual({ partition: 0, offset: 0 });
    } finally {
      await store.close();
    }
    expect(snapshot(FIXTURE)).toEqual(before);
  });

  it('reads back the same records after a crash (no clean-shutdown marker): recovery loses nothing', async () => {
    const dir = copyOfFixture();
    removeCleanMarker(dir);
    const store = await openStore(crashCopy(dir));
    try {
      await expectFixtureRecords(store);
      expect(store.stats.truncatedBytes).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('reopens after the upgrade with the same records', async () => {
    const dir = copyOfFixture();
    await (await openStore(dir)).close();
    const store = await openStore(dir);
    try {
      await expectFixtureRecords(store);
    } finally {
      await store.close();
    }
  });
});

describe('a data directory of a newer storage format', () => {
  it('is refused with UNSUPPORTED_FORMAT naming both versions, and nothing in it is modified', async () => {
    const dir = copyOfFixture();
    writeFileSync(join(dir, 'klog-format.json'), '{ "formatVersion": 3 }\n');
    const before = snapshot(dir);
    const err = await openStore(dir).then(() => null, (e: unknown) => e);
    expect(isKlogError(err, 'UNSUPPORTED_FORMAT'), String(err)).toBe(true);
    expect((err as Error).message).toMatch(/format 3/);
    expect((err as Error).message).toMatch(/format 2/);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a new directory is created as format 1', async () => {
    const dir = tempDir('klog-format-new-');
    await (await openStore(join(dir, 'data'))).close();
    expect(JSON.parse(readFileSync(join(dir, 'data', 'klog-format.json'), 'utf8'))).toEqual({ formatVersion: 1 });
  });
});
