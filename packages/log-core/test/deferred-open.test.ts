// Opening after a clean close answers from the marker's summary and loads each partition on first use.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeBatch } from '../src/batch/record-batch.js';
import type { LogStore } from '../src/log-store.js';
import { crashCopy, openStore, plain, readAll, removeTempDirs, segmentFiles, tempDir } from './store-fixture.js';

const T0 = 1_700_000_000_000;
const open: LogStore[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  removeTempDirs();
});

async function opened(dir: string, opts: Parameters<typeof openStore>[1] = {}): Promise<LogStore> {
  const s = await openStore(dir, { retentionCheckMs: 3_600_000, ...opts });
  open.push(s);
  return s;
}

async function close(s: LogStore): Promise<void> {
  open.splice(open.indexOf(s), 1);
  await s.close();
}

/** A closed store with topic t of 3 partitions holding 2, 3 and 4 records. */
async function closedStore(): Promise<string> {
  const dir = tempDir();
  const s = await opened(dir);
  await s.createTopic('t', { partitions: 3 });
  for (let p = 0; p < 3; p++) {
    for (let i = 0; i < p + 2; i++) await s.append('t', [{ value: Buffer.from(`p${p}-${i}`), timestamp: T0 }], { partition: p });
  }
  await close(s);
  return dir;
}

describe('open after a clean close', () => {
  it('reads no partition directory at open, and describes partitions as the close left them', async () => {
    const dir = await closedStore();
    // With partition 2's directory out of the way, an open that listed it would see an empty log.
    renameSync(join(dir, 't-2'), join(dir, 'moved'));
    const s = await opened(dir);
    expect(s.describeTopic('t').partitions.map((p) => [p.logStartOffset, p.logEndOffset, p.segments])).toEqual([[0, 2, 1], [0, 3, 1], [0, 4, 1]]);
    renameSync(join(dir, 'moved'), join(dir, 't-2'));
    expect((await readAll(s, 't', 2)).map((r) => String(r.value))).toEqual(['p2-0', 'p2-1', 'p2-2', 'p2-3']);
    const [ack] = await s.append('t', [{ value: Buffer.from('next'), timestamp: T0 }], { partition: 1 });
    expect(ack.offset).toBe(3);
    expect(s.stats.recoveredPartitions).toBe(0);
  });

  it('keeps appends that arrive while a partition loads in the order they were made', async () => {
    const s = await opened(await closedStore());
    const acks = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      s.append('t', [{ value: Buffer.from(`n${i}`), timestamp: T0 }], { partition: 0 })));
    expect(acks.map(([a]) => a.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    expect((await readAll(s, 't', 0)).map((r) => String(r.value)).slice(2)).toEqual(Array.from({ length: 20 }, (_, i) => `n${i}`));
  });

  it('carries the summary of a partition never used through the next close and open', async () => {
    const dir = await closedStore();
    await close(await opened(dir));
    const s = await opened(dir);
    expect(s.describeTopic('t').partitions.map((p) => p.logEndOffset)).toEqual([2, 3, 4]);
    expect((await readAll(s, 't', 1)).map((r) => r.offset)).toEqual([0, 1, 2]);
  });

  it('recovers every partition at the next open after a crash of a store that used none of them', async () => {
    const dir = await closedStore();
    const s = await opened(dir);
    const copy = crashCopy(dir); // no marker: the open took it
    const again = await opened(copy);
    expect(again.stats.recoveredPartitions).toBe(3);
    for (let p = 0; p < 3; p++) expect((await readAll(again, 't', p)).map(plain)).toEqual((await readAll(s, 't', p)).map(plain));
  });

  it('lets retention delete the sealed segments of a partition it has not loaded', async () => {
    const dir = tempDir();
    const s = await opened(dir);
    await s.createTopic('t', { segmentBytes: 1024, maxBatchBytes: 1024 });
    for (let i = 0; i < 30; i++) await s.append('t', [{ value: Buffer.alloc(200, i) }]); // now: young enough to keep
    await close(s);
    const before = segmentFiles(join(dir, 't-0')).length;
    expect(before).toBeGreaterThan(3);
    const again = await opened(dir);
    await again.alterTopicConfig('t', { retentionBytes: 1024 });
    await again.enforceRetention();
    expect(segmentFiles(join(dir, 't-0')).length).toBeLessThan(before);
    expect(again.logStartOffset('t', 0)).toBeGreaterThan(0);
  });

  it('answers for the idempotent producers of a partition it has not loaded', async () => {
    const dir = tempDir();
    const s = await opened(dir);
    await s.createTopic('t');
    await s.appendBatch('t', 0, encodeBatch([{ value: Buffer.from('x'), timestamp: T0 }], { producerId: 7, producerEpoch: 0, baseSequence: 0 }));
    await close(s);
    const again = await opened(dir);
    expect(await again.activeProducers('t', 0)).toEqual([{ producerId: 7, epoch: 0, lastSequence: 0, lastTimestamp: T0 }]);
  });

  it('opens every partition at open when the marker holds no summary (as an older version writes it)', async () => {
    const dir = await closedStore();
    writeFileSync(join(dir, '.clean-shutdown'), `${new Date(T0).toISOString()}\n`);
    renameSync(join(dir, 't-2'), join(dir, 'moved'));
    const s = await opened(dir);
    // Loaded at open: the directory it found was empty (the data is elsewhere), so the log is empty.
    expect(s.describeTopic('t').partitions.map((p) => p.logEndOffset)).toEqual([2, 3, 0]);
  });
});
