import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  readVarint,
  readVarlong,
  sizeOfVarint,
  sizeOfVarlong,
  writeVarint,
  writeVarlong,
} from '../src/batch/varint.js';
import { isKlogError } from '../src/errors.js';

function encodeVarint(n: number): number[] {
  const buf = Buffer.alloc(5);
  return [...buf.subarray(0, writeVarint(buf, 0, n))];
}

function encodeVarlong(n: number): number[] {
  const buf = Buffer.alloc(10);
  return [...buf.subarray(0, writeVarlong(buf, 0, n))];
}

/** Straight from the definition, with 64-bit integers: zigzag, then 7-bit groups, low group first. */
function referenceVarlong(n: number): number[] {
  let z = BigInt.asUintN(64, (BigInt(n) << 1n) ^ (BigInt(n) >> 63n));
  const out: number[] = [];
  while (z >= 0x80n) {
    out.push(Number(z & 0x7fn) | 0x80);
    z >>= 7n;
  }
  out.push(Number(z));
  return out;
}

describe('varint (zigzag int32)', () => {
  it('has the known zigzag encodings', () => {
    expect(encodeVarint(0)).toEqual([0x00]);
    expect(encodeVarint(-1)).toEqual([0x01]);
    expect(encodeVarint(1)).toEqual([0x02]);
    expect(encodeVarint(-2)).toEqual([0x03]);
    expect(encodeVarint(63)).toEqual([0x7e]);
    expect(encodeVarint(-64)).toEqual([0x7f]);
    expect(encodeVarint(64)).toEqual([0x80, 0x01]);
    expect(encodeVarint(150)).toEqual([0xac, 0x02]);
    expect(encodeVarint(0x7fffffff)).toEqual([0xfe, 0xff, 0xff, 0xff, 0x0f]);
    expect(encodeVarint(-0x80000000)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it('round-trips every int32, and sizeOf matches the bytes written', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), fc.nat({ max: 8 }), (n, at) => {
        const buf = Buffer.alloc(16);
        const end = writeVarint(buf, at, n);
        expect(end - at).toBe(sizeOfVarint(n));
        const cur = { pos: at };
        expect(readVarint(buf, cur)).toBe(n);
        expect(cur.pos).toBe(end);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects a varint longer than 5 bytes', () => {
    const buf = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    expect(() => readVarint(buf, { pos: 0 })).toThrow(expect.objectContaining({ code: 'CORRUPT_BATCH' }));
  });
});

describe('varlong (zigzag int64 as a JS number)', () => {
  it('has the known zigzag encodings', () => {
    expect(encodeVarlong(0)).toEqual([0x00]);
    expect(encodeVarlong(-1)).toEqual([0x01]);
    expect(encodeVarlong(1)).toEqual([0x02]);
    // 2^31 zigzags to 2^32: 32 zero bits, then a 1 in the fifth group.
    expect(encodeVarlong(2 ** 31)).toEqual([0x80, 0x80, 0x80, 0x80, 0x10]);
    // -2^31 - 1 zigzags to 2^32 + 1.
    expect(encodeVarlong(-(2 ** 31) - 1)).toEqual([0x81, 0x80, 0x80, 0x80, 0x10]);
    // 2^53 - 1 zigzags to 2^54 - 2: 54 bits, so 7 full groups and 5 bits in the eighth.
    expect(encodeVarlong(Number.MAX_SAFE_INTEGER)).toEqual([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f]);
    expect(encodeVarlong(Number.MIN_SAFE_INTEGER)).toEqual([0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f]);
  });

  it('matches a BigInt reference encoder (zigzag over int64) on every safe integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (n) => {
        expect(encodeVarlong(n)).toEqual(referenceVarlong(n));
      }),
      { numRuns: 2000 },
    );
  });

  it('encodes int32-range values exactly as varint does', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), (n) => {
        expect(encodeVarlong(n)).toEqual(encodeVarint(n));
      }),
    );
  });

  it('round-trips every safe integer, and sizeOf matches the bytes written', () => {
    const safe = fc.oneof(
      fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
      fc.constantFrom(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, -(2 ** 32)),
      fc.integer({ min: -1000, max: 1000 }),
    );
    fc.assert(
      fc.property(safe, fc.nat({ max: 8 }), (n, at) => {
        const buf = Buffer.alloc(24);
        const end = writeVarlong(buf, at, n);
        expect(end - at).toBe(sizeOfVarlong(n));
        const cur = { pos: at };
        expect(readVarlong(buf, cur)).toBe(n);
        expect(cur.pos).toBe(end);
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects a varlong longer than 10 bytes', () => {
    const buf = Buffer.from([...Array(10).fill(0x80), 0x01]);
    let err: unknown;
    try {
      readVarlong(buf, { pos: 0 });
    } catch (e) {
      err = e;
    }
    expect(isKlogError(err, 'CORRUPT_BATCH')).toBe(true);
  });
});
