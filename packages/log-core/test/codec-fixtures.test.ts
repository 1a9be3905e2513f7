// Golden bytes: one small batch per codec, as klog wrote it, plus the framings other Kafka clients write (a raw
// snappy block as librdkafka sends it, a zstd frame without a content size as streaming compressors write it).
// The files are frozen (see fixtures/README.md): every later klog must read them back as these records.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BATCH_HEADER_SIZE, decodeBatch, encodeBatch, validateBatch } from '../src/batch/record-batch.js';
import type { Compression } from '../src/types.js';
import { CODEC_FIXTURE_TIME, codecFixtureRecords } from './fixtures/codec-records.js';

const DIR = join(import.meta.dirname, 'fixtures', 'codecs');
const OPTS = { baseOffset: 40, producerId: 7, producerEpoch: 0, baseSequence: 12, now: CODEC_FIXTURE_TIME };

const FIXTURES: { file: string; compression: Compression; codecId: number }[] = [
  { file: 'none.batch', compression: 'none', codecId: 0 },
  { file: 'gzip.batch', compression: 'gzip', codecId: 1 },
  { file: 'snappy.batch', compression: 'snappy', codecId: 2 },
  { file: 'snappy-raw-block.batch', compression: 'snappy', codecId: 2 },
  { file: 'lz4.batch', compression: 'lz4', codecId: 3 },
  { file: 'zstd.batch', compression: 'zstd', codecId: 4 },
  { file: 'zstd-streamed.batch', compression: 'zstd', codecId: 4 },
];

const expected = codecFixtureRecords().map((r, i) => ({
  offset: 40 + i,
  key: r.key ?? null,
  value: r.value,
  timestamp: r.timestamp,
  headers: r.headers ?? [],
}));

describe.each(FIXTURES)('$file', ({ file, compression, codecId }) => {
  const buf = readFileSync(join(DIR, file));

  it('names its codec in attributes bits 0-2 and passes validation, records inflated', () => {
    expect(buf.readInt16BE(21) & 0x07).toBe(codecId);
    const header = validateBatch(buf, 0, { inflate: true });
    expect(header).toMatchObject({ compression, baseOffset: 40, recordCount: 3, lastOffsetDelta: 2, producerId: 7, baseSequence: 12 });
  });

  it('reads back as the fixture records', () => {
    expect(decodeBatch(buf).records).toEqual(expected);
  });

  it('has the header klog writes today, but for the size and CRC of its compressed bytes', () => {
    const fresh = encodeBatch(codecFixtureRecords(), { ...OPTS, compression });
    const masked = (b: Buffer): Buffer => {
      const h = Buffer.from(b.subarray(0, BATCH_HEADER_SIZE));
      h.fill(0, 8, 12); // batchLength
      h.fill(0, 17, 21); // crc
      return h;
    };
    expect(masked(buf)).toEqual(masked(fresh));
  });
});

describe('foreign framings', () => {
  it('snappy-raw-block.batch is a bare snappy block, not xerial-framed', () => {
    const records = readFileSync(join(DIR, 'snappy-raw-block.batch')).subarray(BATCH_HEADER_SIZE);
    expect(records[0]).not.toBe(0x82);
  });

  it('zstd-streamed.batch is a zstd frame that states no content size', () => {
    const records = readFileSync(join(DIR, 'zstd-streamed.batch')).subarray(BATCH_HEADER_SIZE);
    expect(records.readUInt32LE(0)).toBe(0xfd2fb528); // zstd frame magic
    expect(records[4] & 0xc0).toBe(0); // frame header descriptor: Frame_Content_Size_flag 0
    expect(records[4] & 0x20).toBe(0); // not single-segment, so no content size field at all
  });
});
