// Each codec against arbitrary bytes (fast-check, seed printed for replay), and the framings other Kafka
// clients write: xerial-framed and raw-block snappy, several zstd frames back to back.
import fc from 'fast-check';
import { compressSync } from 'snappy';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../../test/reliability/fuzz-seed.js';
import { COMPRESSIONS, compress, compressionCodecId, compressionFromAttributes, decompress, isCompression } from '../src/compression/codecs.js';
import { compressSnappy, isXerialFramed } from '../src/compression/snappy-xerial.js';
import { compressZstd } from '../src/compression/zstd.js';
import { isKlogError } from '../src/errors.js';
import type { Compression } from '../src/types.js';

const params = propertyParameters(200);
console.log(`compression: seed ${params.seed} (replay: KLOG_FUZZ_SEED=${params.seed} npx vitest run packages/log-core/test/compression.property.test.ts)`);

/** Random bytes, and repetitive ones (what compresses), up to past snappy's 32 KiB xerial chunk. */
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.integer({ min: 1, max: 2500 })).map(([unit, times]) => Buffer.concat(Array.from({ length: times }, () => Buffer.from(unit)))),
);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return isKlogError(err) ? err.code : `not a KlogError: ${String(err)}`;
  }
  return 'no error';
}

describe.each(COMPRESSIONS.filter((c) => c !== 'none'))('%s', (compression) => {
  it('decompresses what it compresses, for any bytes', () => {
    fc.assert(fc.property(payload, (data) => {
      expect(decompress(compress(data, compression), compression).equals(data)).toBe(true);
    }), params);
  });

  it('reports bytes that are not its stream as a corrupt batch, never another error', () => {
    fc.assert(fc.property(payload, fc.nat(), fc.integer({ min: 1, max: 255 }), (data, at, mask) => {
      const packed = Buffer.from(compress(data, compression));
      packed[at % packed.length] ^= mask;
      let out: Buffer | undefined;
      try {
        out = decompress(packed, compression);
      } catch (err) {
        expect(isKlogError(err, 'CORRUPT_BATCH'), String(err)).toBe(true);
        expect((err as Error).message).toMatch(new RegExp(`cannot decompress ${compression} records`));
      }
      // Some damage goes unnoticed by codecs without a checksum (the batch CRC catches it first); it must
      // still yield bytes, not crash.
      if (out !== undefined) expect(Buffer.isBuffer(out)).toBe(true);
    }), params);
  });
});

describe.each(COMPRESSIONS.filter((c) => c !== 'none'))('%s inflate bound', (compression) => {
  // 1 MiB of one byte: what a decompression bomb is made of, at a size a test can hold.
  const zeros = Buffer.alloc(1 << 20);
  const packed = compress(zeros, compression);

  it('inflates up to the bound, and refuses past it as a record too large', () => {
    expect(decompress(packed, compression, zeros.length).equals(zeros)).toBe(true);
    expect(codeOf(() => decompress(packed, compression, zeros.length - 1))).toBe('RECORD_TOO_LARGE');
    expect(codeOf(() => decompress(packed, compression, 4096))).toBe('RECORD_TOO_LARGE');
  });
});

describe('codec ids', () => {
  it('numbers the codecs as Kafka does, in attributes bits 0-2', () => {
    expect(COMPRESSIONS.map((c) => compressionCodecId(c))).toEqual([0, 1, 2, 3, 4]);
    // The higher attribute bits (timestamp type, transactional, control) do not change the codec.
    for (const c of COMPRESSIONS) expect(compressionFromAttributes(compressionCodecId(c) | 0x38)).toBe(c);
  });

  it('refuses ids 5-7 and unknown names with UNSUPPORTED_COMPRESSION', () => {
    for (const id of [5, 6, 7]) expect(codeOf(() => compressionFromAttributes(id))).toBe('UNSUPPORTED_COMPRESSION');
    for (const name of ['brotli', 'toString', 'ZSTD']) {
      expect(isCompression(name)).toBe(false);
      expect(codeOf(() => compress(Buffer.from('x'), name as Compression))).toBe('UNSUPPORTED_COMPRESSION');
      expect(codeOf(() => decompress(Buffer.from('x'), name as Compression))).toBe('UNSUPPORTED_COMPRESSION');
      expect(codeOf(() => compressionCodecId(name as Compression))).toBe('UNSUPPORTED_COMPRESSION');
    }
  });
});

describe('snappy framings', () => {
  const data = Buffer.from('kafka snappy '.repeat(6000)); // 78 000 bytes: three xerial chunks

  it('writes the xerial framing: magic, versions 1 and 1, then length-prefixed chunks of at most 32 KiB', () => {
    const packed = compressSnappy(data);
    expect(packed.subarray(0, 16).toString('hex')).toBe('82534e41505059000000000100000001');
    expect(isXerialFramed(packed)).toBe(true);
    let pos = 16;
    let chunks = 0;
    while (pos < packed.length) {
      pos += 4 + packed.readInt32BE(pos);
      chunks++;
    }
    expect(pos).toBe(packed.length);
    expect(chunks).toBe(3);
  });

  it('reads a raw snappy block, as librdkafka writes it', () => {
    const raw = compressSync(data);
    expect(isXerialFramed(raw)).toBe(false);
    expect(decompress(raw, 'snappy').equals(data)).toBe(true);
  });

  it('refuses a xerial chunk that overruns the stream', () => {
    const packed = compressSnappy(data);
    expect(codeOf(() => decompress(packed.subarray(0, packed.length - 1), 'snappy'))).toBe('CORRUPT_BATCH');
    const cut = Buffer.concat([packed, Buffer.from([0, 0])]);
    expect(codeOf(() => decompress(cut, 'snappy'))).toBe('CORRUPT_BATCH');
  });
});

describe('zstd frames', () => {
  const data = Buffer.from('kafka zstd '.repeat(50_000));

  // A frame without a content size (what streaming compressors write) is pinned by fixtures/codecs/zstd-streamed.batch.
  it('reads frames back to back as one stream', () => {
    const two = Buffer.concat([compressZstd(data), compressZstd(Buffer.from('tail'))]);
    expect(decompress(two, 'zstd').equals(Buffer.concat([data, Buffer.from('tail')]))).toBe(true);
  });
});
