// Coalesced writes against a real kill -9: a child process appends to many partitions with several calls in
// flight (so that batches of one turn share a write), printing each acknowledged record; it is killed by its
// PID mid-stream. Every record it acknowledged must be found after reopening, where it was acknowledged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FsyncPolicy } from '../src/fsync-policy.js';
import { DIST_URL, ensureBuilt } from './compiled-package.js';
import { writeUntilKilled } from './kill-writer.js';
import { openStore, readAll, removeTempDirs, tempDir } from './store-fixture.js';

const PARTITIONS = 50;
const ACKS_BEFORE_KILL = 5000;

beforeAll(ensureBuilt, 120_000);
afterAll(removeTempDirs);

/**
 * Calls of 40 keyed records (spread over the partitions by murmur2), 8 in flight; a few one-partition calls
 * between them. Each acknowledged record is printed as "partition offset value" once its call resolves.
 */
const WRITER = `
import { LogStore } from ${JSON.stringify(DIST_URL)};
const [dir, fsync] = process.argv.slice(2);
const store = await LogStore.open(dir, { fsync: JSON.parse(fsync), coalesceWrites: true });
await store.createTopic('t', { partitions: ${PARTITIONS}, segmentBytes: 32 * 1024 });
let n = 0;
const inFlight = new Set();
for (;;) {
  const records = Array.from({ length: 40 }, () => { const id = n++; return { key: Buffer.from('k' + (id % 997)), value: Buffer.from('v' + id) }; });
  const opts = n % 400 === 0 ? { partition: n % ${PARTITIONS} } : {};
  const call = store.append('t', records, opts).then((acks) => {
    process.stdout.write(acks.map((a, i) => a.partition + ' ' + a.offset + ' ' + records[i].value.toString()).join('\\n') + '\\n');
  });
  inFlight.add(call);
  call.finally(() => inFlight.delete(call));
  if (inFlight.size >= 8) await Promise.race(inFlight);
}
`;

interface Ack {
  partition: number;
  offset: number;
  value: string;
}

async function writeThenKill(dir: string, fsync: FsyncPolicy): Promise<Ack[]> {
  const lines = await writeUntilKilled(WRITER, [dir, JSON.stringify(fsync)], ACKS_BEFORE_KILL);
  return lines.map((l) => {
    const [partition, offset, value] = l.split(' ');
    return { partition: Number(partition), offset: Number(offset), value };
  });
}

describe('coalesced writes survive a process kill', () => {
  it.each<[string, FsyncPolicy]>([
    ['never', 'never'],
    ['always', 'always'],
  ])('under fsync %s: every acknowledged record is found at its offset after reopening, and every partition is dense', async (_name, fsync) => {
    const dir = tempDir('klog-coalesce-crash-');
    const acked = await writeThenKill(dir, fsync);
    expect(acked.length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);
    const store = await openStore(dir);
    try {
      const found = new Map<string, string>();
      for (let p = 0; p < PARTITIONS; p++) {
        const records = await readAll(store, 't', p);
        expect(records.map((r) => r.offset)).toEqual(records.map((_, i) => i)); // dense from 0: no hole
        for (const r of records) found.set(`${p}/${r.offset}`, r.value!.toString());
      }
      const lost = acked.filter((a) => found.get(`${a.partition}/${a.offset}`) !== a.value);
      expect(lost.slice(0, 5), `${lost.length} of ${acked.length} acknowledged records missing or different`).toEqual([]);
      // Each value once: nothing acknowledged twice, nothing written twice.
      expect(new Set(found.values()).size).toBe(found.size);
    } finally {
      await store.close();
    }
  });
});
