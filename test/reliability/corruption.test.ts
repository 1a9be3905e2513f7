// Recovery from damaged files: damage the files of a stopped broker — segment tails, indexes, time indexes, a
// stale lock — then start a real broker process on them. It must start, keep every intact batch before the
// damage, rebuild indexes, say what it cut (recovery counters and a pino warn line), and take new writes at the
// right offset. Damage in the middle of an older segment must read back as CORRUPT_DATA, never as data.
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, type Client } from '@klog/client';
import { decodeBatch, iterateBatches } from '@klog/log-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logEntries, spawnBroker, type BrokerProcess, type RecoveryStats } from '../../bench/src/reliability/broker-process.js';
import { RawConnection } from '../broker/fixture.js';
import { flipBytes, seeded, truncateBy, zeroFill } from './damage.js';
import { segmentsOf, type SegmentFiles } from './segment-files.js';
import { removeTempDirs, tempDir } from './temp-dirs.js';

const TOPIC = 'c';
const PINO_WARN = 40;
let base: string;
let total: number;

/** A stopped broker's data directory: one partition, several small segments, record at offset i = "r<i>". */
beforeAll(async () => {
  base = tempDir();
  const broker = await spawnBroker({ dataDir: base, fsync: 'always' });
  const client = createClient({ brokers: [`127.0.0.1:${broker.port}`] });
  try {
    await client.admin().createTopic(TOPIC, { partitions: 1, segmentBytes: 4096, maxBatchBytes: 2048 });
    const producer = client.producer({ acks: 'all', lingerMs: 0 });
    total = 0;
    for (let s = 0; s < 160; s++) {
      await producer.send({ topic: TOPIC, messages: Array.from({ length: 5 }, () => ({ value: `r${total++}`, partition: 0 })) });
    }
    await producer.close();
  } finally {
    await client.close();
    expect(await broker.stop()).toBe(0);
  }
  expect(segmentsOf(partitionDir(base)).length).toBeGreaterThanOrEqual(4);
}, 60_000);

afterAll(removeTempDirs);

function partitionDir(dir: string): string {
  return join(dir, `${TOPIC}-0`);
}

/** A copy of the base directory as a crash would leave it: no clean-shutdown marker, the dead broker's lock. */
function crashedCopy(): string {
  const dir = cleanCopy();
  unlinkSync(join(dir, '.clean-shutdown'));
  writeFileSync(join(dir, '.lock'), `${deadPid()}\n`);
  return dir;
}

function cleanCopy(): string {
  const dir = tempDir();
  rmSync(dir, { recursive: true });
  cpSync(base, dir, { recursive: true });
  return dir;
}

/** The pid of a process that has exited (and so is, for the lock, a dead broker). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

interface Restarted {
  stats: RecoveryStats;
  warnings: Record<string, unknown>[];
  /** Values read back from offset 0 to the end, or the error that stopped the read. */
  values: string[];
  error: string | null;
  /** Offset the broker gave a record produced after the restart. */
  nextWrite: number;
}

/** Starts a broker on a damaged directory, reads everything back, writes one record, stops it. */
async function restart(dir: string): Promise<Restarted> {
  const broker = await spawnBroker({ dataDir: dir, fsync: 'always' });
  const client = createClient({ brokers: [`127.0.0.1:${broker.port}`] });
  try {
    const { values, error } = await readAll(broker);
    const producer = client.producer({ acks: 'all', lingerMs: 0 });
    const [meta] = await producer.send({ topic: TOPIC, messages: [{ value: 'after', partition: 0 }] });
    await producer.close();
    return { stats: broker.stats, warnings: logEntries(broker.logLines, PINO_WARN), values, error, nextWrite: meta.offset };
  } finally {
    await client.close();
    expect(await broker.stop()).toBe(0);
  }
}

async function fetchAt(raw: RawConnection, offset: number, maxBytes: number) {
  const res = await raw.request('fetch', { maxWaitMs: 0, topics: [{ topic: TOPIC, partitions: [{ partition: 0, offset, maxBytes }] }] });
  const p = (res.topics as { partitions: Record<string, unknown>[] }[])[0].partitions[0];
  const data = p.records as Buffer;
  const records: { offset: number; value: string }[] = [];
  for (const { pos } of iterateBatches(data)) {
    for (const r of decodeBatch(data, pos).records) records.push({ offset: r.offset, value: r.value!.toString() });
  }
  return { errorCode: p.errorCode as string | undefined, records, highWatermark: p.highWatermark as number };
}

async function readAll(broker: BrokerProcess): Promise<{ values: string[]; error: string | null }> {
  const raw = await RawConnection.open(broker.port);
  try {
    const values: string[] = [];
    for (;;) {
      const r = await fetchAt(raw, values.length, 64 * 1024);
      if (r.errorCode) return { values, error: r.errorCode };
      for (const rec of r.records) if (rec.offset >= values.length) values.push(rec.value);
      if (values.length >= r.highWatermark) return { values, error: null };
    }
  } finally {
    raw.destroy();
  }
}

const originals = (n: number) => Array.from({ length: n }, (_, i) => `r${i}`);

/** Every offset entry of a segment's index names the batch that starts where it points. */
function indexIsSound(seg: SegmentFiles): boolean {
  const idx = readFileSync(seg.index);
  if (idx.length % 8 !== 0) return false;
  for (let i = 0; i < idx.length; i += 8) {
    const rel = idx.readUInt32BE(i);
    const pos = idx.readUInt32BE(i + 4);
    if (!seg.batches.some((b) => b.position === pos && b.baseOffset === seg.base + rel)) return false;
  }
  return true;
}

function lastBatch(dir: string) {
  const segs = segmentsOf(partitionDir(dir));
  const seg = segs[segs.length - 1];
  return { seg, batch: seg.batches[seg.batches.length - 1] };
}

describe('damage at the tail of the last segment', () => {
  const cases: [string, (dir: string) => void][] = [
    ['truncated in the middle of the last batch', (dir) => truncateBy(lastBatch(dir).seg.log, 7)],
    ['its last 20 bytes zero-filled', (dir) => {
      const { seg, batch } = lastBatch(dir);
      zeroFill(seg.log, batch.position + batch.size - 20, 20);
    }],
    ...[1, 2, 3, 4, 5].map((seed): [string, (dir: string) => void] => [`random bytes of the last batch flipped (seed ${seed})`, (dir) => {
      const { seg, batch } = lastBatch(dir);
      // Bytes 12-15 (partitionLeaderEpoch) are outside the CRC by the RecordBatch v2 format and unused by klog.
      const random = seeded(seed);
      flipBytes(seg.log, batch.position, batch.position + 12, 1, random);
      flipBytes(seg.log, batch.position + 16, batch.position + batch.size, 2, random);
    }]),
  ];

  for (const [name, damage] of cases) {
    for (const crashed of [false, true]) {
      it(`${name}, after a ${crashed ? 'crash' : 'clean shutdown'}: cuts that batch only, says so, appends after it`, async () => {
        const dir = crashed ? crashedCopy() : cleanCopy();
        const keep = lastBatch(dir).batch.baseOffset;
        damage(dir);
        const r = await restart(dir);
        expect(r.error).toBeNull();
        expect(r.values).toEqual(originals(keep));
        expect(r.nextWrite).toBe(keep);
        // After a crash the open recovers, before the startup line prints its counters. After a clean shutdown the
        // partition is loaded, and repaired, on its first use (the reads above): the warning says what was cut.
        const cut = r.warnings.find((w) => String(w.msg).startsWith('recovery cut '));
        expect(Number(cut?.truncatedBytes)).toBeGreaterThan(0);
        expect(String(cut?.msg)).toContain(`recovery cut ${cut?.truncatedBytes} bytes`);
        if (crashed) {
          expect(r.stats.recoveredPartitions).toBeGreaterThanOrEqual(1); // with __consumer_offsets
          expect(r.stats.truncatedBytes).toBe(cut?.truncatedBytes);
        }
      });
    }
  }
});

describe('damaged or missing index files', () => {
  type Target = 'last' | 'older';
  const pick = (dir: string, target: Target): SegmentFiles => {
    const segs = segmentsOf(partitionDir(dir));
    return target === 'last' ? segs[segs.length - 1] : segs[1];
  };
  const damages: [string, (seg: SegmentFiles) => void][] = [
    ['index truncated mid-entry', (seg) => truncateBy(seg.index, 3)],
    ['index zero-filled', (seg) => zeroFill(seg.index, 0, readFileSync(seg.index).length)],
    ['time index zero-filled', (seg) => zeroFill(seg.timeIndex, 0, readFileSync(seg.timeIndex).length)],
    ['time index truncated mid-entry', (seg) => truncateBy(seg.timeIndex, 5)],
    ['index and time index deleted', (seg) => {
      unlinkSync(seg.index);
      unlinkSync(seg.timeIndex);
    }],
    ...[1, 2, 3].map((seed): [string, (seg: SegmentFiles) => void] => [`random bytes of both indexes flipped (seed ${seed})`, (seg) => {
      const random = seeded(seed);
      flipBytes(seg.index, 0, readFileSync(seg.index).length, 2, random);
      flipBytes(seg.timeIndex, 0, readFileSync(seg.timeIndex).length, 2, random);
    }]),
  ];

  for (const target of ['last', 'older'] as Target[]) {
    for (const [name, damage] of damages) {
      it(`${target} segment, ${name}: every record still reads back, the index is rebuilt, writes go on at the end`, async () => {
        const dir = cleanCopy();
        damage(pick(dir, target));
        const r = await restart(dir);
        expect(r.error).toBeNull();
        expect(r.values).toEqual(originals(total));
        expect(r.nextWrite).toBe(total);
        expect(indexIsSound(pick(dir, target))).toBe(true);
      });
    }
  }
});

describe('a stale lock file', () => {
  it('left by a dead broker is taken over, with a warning, and recovery runs', async () => {
    const dir = crashedCopy();
    const r = await restart(dir);
    expect(r.values).toEqual(originals(total));
    expect(r.nextWrite).toBe(total);
    expect(r.stats.recoveredPartitions).toBeGreaterThanOrEqual(1); // with __consumer_offsets after a crash
    expect(r.stats.truncatedBytes).toBe(0);
    expect(r.warnings.some((w) => String(w.msg).includes('took over a lock file'))).toBe(true);
  });
});

describe('damage in the middle of an older segment', () => {
  for (const seed of [1, 2, 3]) {
    it(`reads as CORRUPT_DATA for the damaged batch, never as data (seed ${seed})`, async () => {
      const dir = cleanCopy();
      const seg = segmentsOf(partitionDir(dir))[1];
      const victim = seg.batches[Math.floor(seg.batches.length / 2)];
      // A byte inside the records: covered by the CRC.
      flipBytes(seg.log, victim.position + 61, victim.position + victim.size, 1, seeded(seed));
      const broker = await spawnBroker({ dataDir: dir, fsync: 'always' });
      const raw = await RawConnection.open(broker.port);
      try {
        for (let offset = 0; offset < total; offset++) {
          const r = await fetchAt(raw, offset, 1);
          const damaged = offset >= victim.baseOffset && offset <= victim.lastOffset;
          if (damaged) expect(r.errorCode, `offset ${offset}`).toBe('CORRUPT_DATA');
          if (r.errorCode) {
            expect(r.errorCode).toBe('CORRUPT_DATA');
            expect(r.records).toEqual([]);
          }
          for (const rec of r.records) expect(rec.value, `offset ${rec.offset}`).toBe(`r${rec.offset}`);
        }
      } finally {
        raw.destroy();
        expect(await broker.stop()).toBe(0);
      }
    });
  }
});
