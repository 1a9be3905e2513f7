/**
 * Kafka's variable-length integers: zigzag-encoded ("varint" for int32, "varlong" for int64), then written
 * 7 bits at a time, least significant group first, high bit set on every byte but the last.
 *
 * Reads advance a caller-owned {@link Cursor} instead of returning a (value, position) pair, so decoding a
 * batch allocates nothing per field.
 *
 * varlong values are JS numbers: every safe integer (|n| <= 2^53 - 1) round-trips exactly. The encoding
 * never forms the zigzag value as one number (2|n| - 1 would exceed 2^53 and lose bits); it splits off the
 * sign bit instead.
 */
import { KlogError } from '../errors.js';

/** A read position that the read functions move past what they consume. */
export interface Cursor {
  pos: number;
}

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
/** A varint holds 32 bits, so at most 5 groups of 7; a varlong at most 10. */
const MAX_VARINT_BYTES = 5;
const MAX_VARLONG_BYTES = 10;

function zigzag32(n: number): number {
  return ((n << 1) ^ (n >> 31)) >>> 0;
}

function tooLong(pos: number, max: number): KlogError {
  return new KlogError('CORRUPT_BATCH', `malformed varint at byte ${pos}: longer than ${max} bytes`);
}

/** Encoded size of an int32 varint. */
export function sizeOfVarint(n: number): number {
  const z = zigzag32(n);
  if (z < 0x80) return 1;
  if (z < 0x4000) return 2;
  if (z < 0x200000) return 3;
  if (z < 0x10000000) return 4;
  return 5;
}

/** Encoded size of a varlong (any safe integer). */
export function sizeOfVarlong(n: number): number {
  if (n >= INT32_MIN && n <= INT32_MAX) return sizeOfVarint(n);
  // zigzag(n) = 2m + sign with m = |n| or |n| - 1: one group holds the sign and 6 bits of m, the rest 7 each.
  let rest = Math.floor((n < 0 ? -n - 1 : n) / 64);
  let size = 1;
  while (rest > 0) {
    rest = Math.floor(rest / 128);
    size++;
  }
  return size;
}

/** Writes an int32 varint at `pos`; returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, n: number): number {
  let z = zigzag32(n);
  while (z >= 0x80) {
    buf[pos++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  buf[pos++] = z;
  return pos;
}

/** Writes a varlong at `pos`; returns the position after it. */
export function writeVarlong(buf: Uint8Array, pos: number, n: number): number {
  if (n >= INT32_MIN && n <= INT32_MAX) return writeVarint(buf, pos, n);
  const negative = n < 0;
  const m = negative ? -n - 1 : n;
  // |n| > 2^31 here, so there is always a second group.
  buf[pos++] = ((m % 64) << 1) | (negative ? 1 : 0) | 0x80;
  let rest = Math.floor(m / 64);
  while (rest >= 0x80) {
    buf[pos++] = (rest % 128) | 0x80;
    rest = Math.floor(rest / 128);
  }
  buf[pos++] = rest;
  return pos;
}

/** Reads an int32 varint at `cur.pos` and moves the cursor past it. */
export function readVarint(buf: Uint8Array, cur: Cursor): number {
  let pos = cur.pos;
  let b = buf[pos++];
  if (b < 0x80) {
    cur.pos = pos;
    return (b >>> 1) ^ -(b & 1);
  }
  let z = b & 0x7f;
  let shift = 7;
  while (b & 0x80) {
    if (shift === MAX_VARINT_BYTES * 7) throw tooLong(cur.pos, MAX_VARINT_BYTES);
    b = buf[pos++];
    z |= (b & 0x7f) << shift;
    shift += 7;
  }
  cur.pos = pos;
  return (z >>> 1) ^ -(z & 1);
}

/**
 * Reads a varlong at `cur.pos` and moves the cursor past it. Values outside the safe-integer range (which
 * klog never writes) come back rounded to the nearest double.
 */
export function readVarlong(buf: Uint8Array, cur: Cursor): number {
  const start = cur.pos;
  let pos = start;
  let b = buf[pos++];
  if (!(b & 0x80)) {
    cur.pos = pos;
    return (b >>> 1) ^ -(b & 1);
  }
  const negative = (b & 1) === 1;
  // m = zigzag >> 1: the first group contributes its upper 6 bits, each later group 7 more.
  let m = (b & 0x7f) >>> 1;
  let scale = 64;
  do {
    if (pos - start === MAX_VARLONG_BYTES) throw tooLong(start, MAX_VARLONG_BYTES);
    b = buf[pos++];
    m += (b & 0x7f) * scale;
    scale *= 128;
  } while (b & 0x80);
  cur.pos = pos;
  return negative ? -m - 1 : m;
}
