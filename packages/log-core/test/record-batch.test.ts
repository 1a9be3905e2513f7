import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../src/batch/crc32c.js';
import {
  BATCH_HEADER_SIZE,
  LOG_OVERHEAD,
  batchSizeAt,
  decodeBatch,
  encodeBatch,
  iterateBatches,
  readBatchHeader,
  setBaseOffset,
  validateBatch,
} from '../src/batch/record-batch.js';
import { isKlogError, type ErrorCode } from '../src/errors.js';
import type { Compression, RecordInput } from '../src/types.js';

const COMPRESSIONS: Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const NOW = 1_700_000_000_000;

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

function expectKlogError(fn: () => unknown, code: ErrorCode, message?: RegExp): void {
  const err = errorOf(fn);
  expect(isKlogError(err, code), `expected ${code}, got ${String(err)}`).toBe(true);
  if (message) expect((err as Error).message).toMatch(message);
}

/** Recomputes the CRC after a deliberate edit, to build well-formed batches that lie. */
function resign(buf: Buffer): Buffer {
  buf.writeUInt32BE(crc32c(buf.subarray(21)), 17);
  return buf;
}

function sampleRecords(n: number): RecordInput[] {
  return Array.from({ length: n }, (_, i) => ({
    key: i % 3 === 0 ? null : Buffer.from(`key-${i}`),
    value: Buffer.from(`value number ${i} `.repeat(i % 5)),
    timestamp: NOW + i * 7 - 20,
    headers: i % 2 ? [{ key: 'h', value: Buffer.from([i]) }] : undefined,
  }));
}

describe('encodeBatch: known answer', () => {
  // One record, checked field by field against the v2 layout (hand-computed bytes, CRC from an
  // independent bit-by-bit CRC32C).
  const batch = encodeBatch(
    [{ key: Buffer.from('k'), value: Buffer.from('hello'), timestamp: NOW, headers: [{ key: 'h', value: Buffer.from('v') }] }],
    { baseOffset: 2 ** 32 + 2, producerId: 42, producerEpoch: 3, baseSequence: 7 },
  );

  it('writes the header fields at their offsets', () => {
    expect(batch.length).toBe(78);
    expect(batch.subarray(0, 8).toString('hex')).toBe('0000000100000002'); // baseOffset
    expect(batch.readInt32BE(8)).toBe(66); // batchLength = 78 - 12
    expect(batch.readInt32BE(12)).toBe(-1); // partitionLeaderEpoch: left to the broker
    expect(batch[16]).toBe(2); // magic
    expect(batch.readUInt32BE(17)).toBe(0x8eba125b); // crc
    expect(batch.readInt16BE(21)).toBe(0); // attributes: no codec, create time
    expect(batch.readInt32BE(23)).toBe(0); // lastOffsetDelta
    expect(batch.subarray(27, 35).toString('hex')).toBe('0000018bcfe56800'); // baseTimestamp
    expect(batch.subarray(35, 43).toString('hex')).toBe('0000018bcfe56800'); // maxTimestamp
    expect(batch.subarray(43, 51).toString('hex')).toBe('000000000000002a'); // producerId
    expect(batch.readInt16BE(51)).toBe(3); // producerEpoch
    expect(batch.readInt32BE(53)).toBe(7); // baseSequence
    expect(batch.readInt32BE(57)).toBe(1); // recordCount
  });

  it('writes the record in the v2 record layout', () => {
    expect([...batch.subarray(BATCH_HEADER_SIZE)]).toEqual([
      0x20, // length 16, zigzag
      0x00, // attributes
      0x00, // timestampDelta 0
      0x00, // offsetDelta 0
      0x02, 0x6b, // key length 1, "k"
      0x0a, 0x68, 0x65, 0x6c, 0x6c, 0x6f, // value length 5, "hello"
      0x02, // one header
      0x02, 0x68, // header key length 1, "h"
      0x02, 0x76, // header value length 1, "v"
    ]);
  });

  it('encodes nulls as length -1 and defaults producer fields to -1', () => {
    const b = encodeBatch([{ key: null, value: null, timestamp: NOW }]);
    expect([...b.subarray(BATCH_HEADER_SIZE)]).toEqual([0x0c, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00]);
    expect(b.subarray(43, 51).toString('hex')).toBe('ffffffffffffffff');
    expect(b.readInt16BE(51)).toBe(-1);
    expect(b.readInt32BE(53)).toBe(-1);
  });

  it('writes the codec id into attributes bits 0-2', () => {
    expect(encodeBatch(sampleRecords(3), { compression: 'gzip' }).readInt16BE(21)).toBe(1);
    expect(encodeBatch(sampleRecords(3), { compression: 'snappy' }).readInt16BE(21)).toBe(2);
    expect(encodeBatch(sampleRecords(3), { compression: 'lz4' }).readInt16BE(21)).toBe(3);
    expect(encodeBatch(sampleRecords(3), { compression: 'zstd' }).readInt16BE(21)).toBe(4);
  });

  it('reads its own header back', () => {
    expect(readBatchHeader(batch)).toEqual({
      baseOffset: 2 ** 32 + 2,
      batchLength: 66,
      sizeInBytes: 78,
      partitionLeaderEpoch: -1,
      magic: 2,
      crc: 0x8eba125b,
      attributes: 0,
      compression: 'none',
      isTransactional: false,
      isControl: false,
      lastOffsetDelta: 0,
      baseTimestamp: NOW,
      maxTimestamp: NOW,
      producerId: 42,
      producerEpoch: 3,
      baseSequence: 7,
      recordCount: 1,
    });
  });
});

const bytesArb = fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a));
const recordArb: fc.Arbitrary<RecordInput> = fc.record(
  {
    key: fc.option(bytesArb, { nil: undefined }).chain((k) => fc.constantFrom(k, null)),
    value: fc.option(bytesArb, { nil: null }),
    timestamp: fc.option(fc.integer({ min: -(2 ** 50), max: 2 ** 50 }), { nil: undefined }),
    headers: fc.option(
      fc.array(fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 8 }), value: fc.option(bytesArb, { nil: null }) }), {
        maxLength: 3,
      }),
      { nil: undefined },
    ),
  },
  { requiredKeys: ['value'] },
);

describe('encodeBatch / decodeBatch round trip', () => {
  it('returns every record as given, with dense offsets, for every compression', () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { minLength: 1, maxLength: 30 }),
        fc.constantFrom(...COMPRESSIONS),
        fc.integer({ min: 0, max: 2 ** 52 }),
        (records, compression, baseOffset) => {
          const buf = encodeBatch(records, { compression, baseOffset, now: NOW });
          const header = validateBatch(buf);
          const timestamps = records.map((r) => r.timestamp ?? NOW);
          expect(header).toEqual(readBatchHeader(buf));
          expect(header).toMatchObject({
            baseOffset,
            sizeInBytes: buf.length,
            compression,
            recordCount: records.length,
            lastOffsetDelta: records.length - 1,
            baseTimestamp: timestamps[0],
            maxTimestamp: Math.max(...timestamps),
            producerId: -1,
          });
          const decoded = decodeBatch(buf);
          expect(decoded.header).toEqual(header);
          expect(decoded.records).toEqual(
            records.map((r, i) => ({
              offset: baseOffset + i,
              key: r.key ?? null,
              value: r.value,
              timestamp: timestamps[i],
              headers: r.headers ?? [],
            })),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decodes a batch at a position inside a larger buffer', () => {
    const batch = encodeBatch(sampleRecords(4), { baseOffset: 10 });
    const buf = Buffer.concat([Buffer.alloc(13, 0xee), batch, Buffer.alloc(5, 0xee)]);
    expect(validateBatch(buf, 13)).toEqual(readBatchHeader(batch));
    expect(decodeBatch(buf, 13)).toEqual(decodeBatch(batch));
  });

  it('uses `now` for records without a timestamp', () => {
    const { records } = decodeBatch(encodeBatch([{ value: null }, { value: null, timestamp: 5 }], { now: 1234 }));
    expect(records.map((r) => r.timestamp)).toEqual([1234, 5]);
  });

  it('gives log-append-time batches the max timestamp on every record', () => {
    const buf = encodeBatch(sampleRecords(5), { now: NOW });
    buf.writeInt16BE(buf.readInt16BE(21) | 0x08, 21);
    const { header, records } = decodeBatch(resign(buf));
    expect(records.every((r) => r.timestamp === header.maxTimestamp)).toBe(true);
  });

  it('refuses an empty batch and malformed records', () => {
    expectKlogError(() => encodeBatch([]), 'INVALID_RECORD');
    expectKlogError(() => encodeBatch([{ value: 'text' as unknown as Buffer }]), 'INVALID_RECORD', /record 0: value/);
    expectKlogError(() => encodeBatch([{ value: null }, { value: null, timestamp: 1.5 }]), 'INVALID_RECORD', /record 1/);
    expectKlogError(() => encodeBatch([{ value: null, headers: [{ key: 3 as unknown as string, value: null }] }]), 'INVALID_RECORD');
    expectKlogError(() => encodeBatch([{ value: null }], { compression: 'brotli' as Compression }), 'UNSUPPORTED_COMPRESSION', /use none, gzip, snappy, lz4 or zstd/);
  });
});

describe('validateBatch', () => {
  const batches = COMPRESSIONS.map((compression) => ({ compression, buf: encodeBatch(sampleRecords(6), { compression }) }));

  it.each(batches)('catches every single changed byte in the CRC-covered range ($compression)', ({ buf }) => {
    for (let i = 17; i < buf.length; i++) {
      const copy = Buffer.from(buf);
      copy[i] ^= 0xff;
      expectKlogError(() => validateBatch(copy), 'CORRUPT_BATCH');
    }
  });

  it.each(batches)('catches any xor pattern on any covered byte ($compression)', ({ buf }) => {
    fc.assert(
      fc.property(fc.integer({ min: 17, max: buf.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, mask) => {
        const copy = Buffer.from(buf);
        copy[i] ^= mask;
        expectKlogError(() => validateBatch(copy), 'CORRUPT_BATCH', /CRC mismatch/);
      }),
    );
  });

  it.each(batches)('reports a damaged length field as corrupt ($compression)', ({ buf }) => {
    for (let i = 8; i < 12; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const copy = Buffer.from(buf);
        copy[i] ^= mask;
        expectKlogError(() => validateBatch(copy), 'CORRUPT_BATCH');
      }
    }
  });

  it.each(batches)('catches truncation at every length ($compression)', ({ buf }) => {
    for (let len = 0; len < buf.length; len++) {
      expectKlogError(() => validateBatch(buf.subarray(0, len)), 'CORRUPT_BATCH', /truncated/);
    }
  });

  it('refuses other magic values, saying only magic 2 is supported', () => {
    for (const magic of [0, 1, 3]) {
      const copy = Buffer.from(batches[0].buf);
      copy[16] = magic;
      expectKlogError(() => validateBatch(copy), 'INVALID_BATCH', /only magic 2/);
      expectKlogError(() => decodeBatch(copy), 'INVALID_BATCH', /only magic 2/);
    }
  });

  it('refuses a record count that lies, upward or downward', () => {
    for (const count of [5, 7, 1]) {
      const copy = Buffer.from(batches[0].buf);
      copy.writeInt32BE(count, 57);
      copy.writeInt32BE(count - 1, 23); // keep lastOffsetDelta consistent so the count itself is what is caught
      expectKlogError(() => validateBatch(resign(copy)), 'INVALID_BATCH', new RegExp(`declares ${count} records but holds 6`));
      expectKlogError(() => decodeBatch(copy), 'CORRUPT_BATCH');
    }
  });

  it('refuses a zero record count and a lastOffsetDelta that disagrees with it', () => {
    const zero = Buffer.from(batches[0].buf);
    zero.writeInt32BE(0, 57);
    zero.writeInt32BE(-1, 23);
    expectKlogError(() => validateBatch(resign(zero)), 'INVALID_BATCH', /at least 1/);
    const delta = Buffer.from(batches[0].buf);
    delta.writeInt32BE(9, 23);
    expectKlogError(() => validateBatch(resign(delta)), 'INVALID_BATCH', /lastOffsetDelta 9/);
  });

  it('refuses records whose offset deltas are not 0..n-1', () => {
    const buf = encodeBatch([{ value: null, timestamp: NOW }, { value: null, timestamp: NOW }]);
    // Second record: length(1) attributes(1) timestampDelta(1) then offsetDelta, zigzag(1) = 2.
    const offsetDeltaAt = BATCH_HEADER_SIZE + 7 + 3;
    expect(buf[offsetDeltaAt]).toBe(2);
    buf[offsetDeltaAt] = 0;
    expectKlogError(() => validateBatch(resign(buf)), 'INVALID_BATCH', /record 1 has offsetDelta 0/);
  });

  it('refuses records whose lengths do not fill the batch exactly', () => {
    for (const length of [0x0a /* 5: too short */, 0x10 /* 8: overruns */]) {
      const buf = encodeBatch([{ value: null, timestamp: NOW }]);
      buf[BATCH_HEADER_SIZE] = length;
      expectKlogError(() => validateBatch(resign(buf)), 'CORRUPT_BATCH', /does not fit/);
      expectKlogError(() => decodeBatch(buf), 'CORRUPT_BATCH');
    }
  });

  it('refuses the codec ids Kafka has not assigned (5-7)', () => {
    for (const codec of [5, 6, 7]) {
      const copy = Buffer.from(batches[0].buf);
      copy.writeInt16BE(codec, 21);
      expectKlogError(() => validateBatch(resign(copy)), 'UNSUPPORTED_COMPRESSION', new RegExp(`unknown compression codec id ${codec}`));
    }
  });

  it.each(batches.filter((b) => b.compression !== 'none'))('with inflate, refuses a $compression batch whose records do not match its count', ({ compression }) => {
    // Well-formed and correctly signed, so only inflating the records can tell: what a buggy producer sends.
    for (const count of [5, 7]) {
      const copy = Buffer.from(encodeBatch(sampleRecords(6), { compression }));
      copy.writeInt32BE(count, 57);
      copy.writeInt32BE(count - 1, 23);
      resign(copy);
      expect(validateBatch(copy).recordCount).toBe(count); // without inflate the CRC is all that is checked
      expectKlogError(() => validateBatch(copy, 0, { inflate: true }), 'INVALID_BATCH', new RegExp(`declares ${count} records but holds 6`));
    }
  });

  it.each(batches.filter((b) => b.compression !== 'none'))('with inflate, refuses $compression records that do not inflate as corrupt', ({ compression }) => {
    const buf = encodeBatch(sampleRecords(3), { compression });
    buf.fill(0x5a, BATCH_HEADER_SIZE);
    expectKlogError(() => validateBatch(resign(buf), 0, { inflate: true }), 'CORRUPT_BATCH', new RegExp(`cannot decompress ${compression}`));
  });

  it('refuses a batch over maxBatchBytes', () => {
    const { buf } = batches[0];
    expect(validateBatch(buf, 0, { maxBatchBytes: buf.length }).sizeInBytes).toBe(buf.length);
    expectKlogError(() => validateBatch(buf, 0, { maxBatchBytes: buf.length - 1 }), 'RECORD_TOO_LARGE');
  });

  it('throws only KlogErrors, never loops or crashes, on re-signed random damage', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...batches),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        ({ buf }, edits) => {
          const copy = Buffer.from(buf);
          for (const [at, mask] of edits) copy[21 + (at % (copy.length - 21))] ^= mask;
          resign(copy);
          for (const step of [() => validateBatch(copy), () => validateBatch(copy, 0, { inflate: true }), () => decodeBatch(copy)]) {
            try {
              step();
            } catch (err) {
              expect(isKlogError(err), String(err)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reports compressed records that do not inflate as corrupt on decode', () => {
    for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
      const buf = encodeBatch(sampleRecords(3), { compression });
      buf.fill(0x5a, BATCH_HEADER_SIZE);
      expectKlogError(() => decodeBatch(resign(buf)), 'CORRUPT_BATCH', new RegExp(`cannot decompress ${compression}`));
    }
  });
});

describe('setBaseOffset', () => {
  it('changes the offsets and keeps the batch valid', () => {
    fc.assert(
      fc.property(fc.constantFrom(...COMPRESSIONS), fc.integer({ min: 0, max: 2 ** 53 - 100 }), (compression, base) => {
        const buf = encodeBatch(sampleRecords(4), { compression });
        const rest = Buffer.from(buf.subarray(8));
        setBaseOffset(buf, 0, base);
        expect(buf.subarray(8)).toEqual(rest);
        expect(validateBatch(buf).baseOffset).toBe(base);
        expect(decodeBatch(buf).records.map((r) => r.offset)).toEqual([base, base + 1, base + 2, base + 3]);
      }),
    );
  });

  it('writes at a position inside a larger buffer', () => {
    const a = encodeBatch(sampleRecords(2));
    const b = encodeBatch(sampleRecords(3));
    const buf = Buffer.concat([a, b]);
    setBaseOffset(buf, a.length, 2);
    expect(readBatchHeader(buf, 0).baseOffset).toBe(0);
    expect(validateBatch(buf, a.length).baseOffset).toBe(2);
  });
});

describe('batchSizeAt and iterateBatches', () => {
  const parts = [encodeBatch(sampleRecords(2)), encodeBatch(sampleRecords(5), { compression: 'lz4' }), encodeBatch(sampleRecords(1))];
  const log = Buffer.concat(parts);
  const starts = [0, parts[0].length, parts[0].length + parts[1].length];

  it('reads the size from the 12-byte prefix, or -1 without it', () => {
    expect(batchSizeAt(log, starts[1])).toBe(parts[1].length);
    expect(batchSizeAt(log, log.length - LOG_OVERHEAD)).toBe(LOG_OVERHEAD + log.readInt32BE(log.length - 4));
    expect(batchSizeAt(log, log.length - LOG_OVERHEAD + 1)).toBe(-1);
  });

  it('yields each whole batch with its position', () => {
    const seen = [...iterateBatches(log)];
    expect(seen.map((s) => s.pos)).toEqual(starts);
    expect(seen.map((s) => s.header.recordCount)).toEqual([2, 5, 1]);
  });

  it('stops before a partial batch at the end, at every cut', () => {
    for (let cut = 0; cut <= log.length; cut++) {
      const whole = starts.filter((s, i) => s + parts[i].length <= cut);
      expect([...iterateBatches(log.subarray(0, cut))].map((s) => s.pos)).toEqual(whole);
    }
  });

  it('throws on a length too small to be a batch rather than looping', () => {
    const bad = Buffer.from(log);
    bad.writeInt32BE(0, 8);
    expectKlogError(() => [...iterateBatches(bad)], 'CORRUPT_BATCH');
  });
});
