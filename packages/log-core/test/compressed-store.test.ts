// Compressed batches in a real store: stored byte for byte as sent (only the base offset is the log's), read
// back through every reading path, refused whole when their records do not inflate to what they claim, and
// kept in their codec when compaction rewrites them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BATCH_HEADER_SIZE, encodeBatch, iterateBatches } from '../src/batch/record-batch.js';
import { crc32c } from '../src/batch/crc32c.js';
import type { RecordInput } from '../src/types.js';
import { bytes, expectKlogError, openStore, plain, readAll, removeTempDirs, segmentFiles, tempDir } from './store-fixture.js';

/** Kafka's codec ids, bits 0-2 of the batch attributes. */
const CODEC_ID = { gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
const CODECS = Object.keys(CODEC_ID) as (keyof typeof CODEC_ID)[];
const T0 = 1_700_000_000_000;

afterEach(removeTempDirs);

function records(n: number, tag: string): RecordInput[] {
  return Array.from({ length: n }, (_, i) => ({ key: bytes(`k${i % 4}`), value: bytes(`${tag} ${i} ${'payload '.repeat(8)}`), timestamp: T0 + i }));
}

function onDisk(dir: string, topic: string): Buffer {
  return Buffer.concat(segmentFiles(join(dir, `${topic}-0`)).map((s) => readFileSync(s.path)));
}

describe.each(CODECS)('%s batches', (compression) => {
  it('are written to the segment file exactly as sent, and read back as the records sent', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await store.createTopic('t', { partitions: 1 });
    await store.append('t', records(3, 'first')); // so the produced batch gets a base offset other than its own 0
    const sent = encodeBatch(records(20, 'sent'), { compression, now: T0 });
    expect(await store.appendBatch('t', 0, sent)).toEqual({ baseOffset: 3, lastOffset: 22 });
    await store.close();

    const batches = [...iterateBatches(onDisk(dir, 't'))];
    expect(batches.map((b) => b.header.compression)).toEqual(['none', compression]);
    const stored = onDisk(dir, 't').subarray(batches[1].pos, batches[1].pos + batches[1].header.sizeInBytes);
    expect(stored.readInt16BE(21) & 0x07).toBe(CODEC_ID[compression]);
    expect(stored.subarray(8).equals(sent.subarray(8))).toBe(true); // all but the base offset: never re-encoded

    const reopened = await openStore(dir);
    const expected = [...records(3, 'first'), ...records(20, 'sent')].map((r, i) => plain({ ...r, offset: i }));
    expect((await readAll(reopened, 't')).map(plain)).toEqual(expected);
    const raw = await reopened.readBatches('t', 0, { offset: 3, maxBytes: 1 << 20 });
    expect(raw.data.subarray(8).equals(sent.subarray(8))).toBe(true);
    await reopened.close();
  });

  it('written by append({ compression }) carry the codec and read back', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await store.createTopic('t', { partitions: 1 });
    await store.append('t', records(10, 'own'), { compression });
    expect([...iterateBatches(onDisk(dir, 't'))].map((b) => b.header.compression)).toEqual([compression]);
    expect((await readAll(store, 't')).map(plain)).toEqual(records(10, 'own').map((r, i) => plain({ ...r, offset: i })));
    await store.close();
  });

  it('are refused whole, with a typed error, when their records do not match the count they claim', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await store.createTopic('t', { partitions: 1 });
    const liar = encodeBatch(records(6, 'liar'), { compression, now: T0 });
    liar.writeInt32BE(8, 57); // recordCount
    liar.writeInt32BE(7, 23); // lastOffsetDelta, consistent with it
    liar.writeUInt32BE(crc32c(liar.subarray(21)), 17); // signed, so only inflating can tell
    await expectKlogError(store.appendBatch('t', 0, liar), 'INVALID_BATCH');

    const garbled = encodeBatch(records(6, 'garbled'), { compression, now: T0 });
    garbled.fill(0x5a, BATCH_HEADER_SIZE);
    garbled.writeUInt32BE(crc32c(garbled.subarray(21)), 17);
    await expectKlogError(store.appendBatch('t', 0, garbled), 'CORRUPT_BATCH');

    expect(store.logEndOffset('t', 0)).toBe(0);
    expect(onDisk(dir, 't').length).toBe(0);
    await store.appendBatch('t', 0, encodeBatch(records(2, 'good'), { compression, now: T0 }));
    expect((await readAll(store, 't')).map((r) => r.offset)).toEqual([0, 1]);
    await store.close();
  });

  it('are rewritten by compaction in the same codec, each kept record at its own offset', async () => {
    const dir = tempDir();
    const clock = { now: T0 };
    const store = await openStore(dir, { now: () => clock.now });
    await store.createTopic('c', { partitions: 1, cleanupPolicy: 'compact', segmentBytes: 1024, maxBatchBytes: 1024 });
    for (let b = 0; b < 30; b++) {
      const batch = Array.from({ length: 8 }, (_, i) => ({ key: bytes(`k${(b * 8 + i) % 5}`), value: bytes(`${b}.${i}`), timestamp: clock.now }));
      await store.appendBatch('c', 0, encodeBatch(batch, { compression, now: clock.now }));
    }
    const before = await readAll(store, 'c');
    expect((await store.compact('c')).segmentsCleaned).toBeGreaterThan(0);
    const after = await readAll(store, 'c');
    expect(after.length).toBeLessThan(before.length);
    const byOffset = new Map(before.map((r) => [r.offset, r.value?.toString()]));
    for (const r of after) expect(r.value?.toString()).toBe(byOffset.get(r.offset));
    const raw = await store.readBatches('c', 0, { offset: 0, maxBytes: 1 << 20 });
    expect([...iterateBatches(raw.data)].every(({ header }) => header.compression === compression)).toBe(true);
    await store.close();
  });
});
