/**
 * The two record kinds of this layer (records.ts) written by hand, byte for byte what msgpackr's `pack` makes of
 * the same object with the keys in the order written here (test/tasks/record-encoding.test.ts compares the two
 * on random records). Every task costs one or two of these, and msgpackr's general path (walking the object's
 * keys, guessing string sizes) was a visible part of a worker's CPU; the readers (any msgpack decoder) see no
 * difference. What the hand path does not cover (non-ASCII or long strings, error objects, negative or unusual
 * numbers) makes finish() answer undefined: records.ts then has msgpackr pack an object built in the same key order,
so both paths agree on it too.
 */

/** A msgpack fixstr key: its header byte and its ASCII bytes. */
function key(name: string): Buffer {
  return Buffer.concat([Buffer.from([0xa0 | name.length]), Buffer.from(name, 'latin1')]);
}

/** The keys of both record kinds, encoded once. */
export const RECORD_KEYS = {
  id: key('id'), state: key('state'), name: key('name'), attempts: key('attempts'), updatedAt: key('updatedAt'),
  args: key('args'), result: key('result'), progress: key('progress'), retryAt: key('retryAt'),
  enqueuedAt: key('enqueuedAt'), tick: key('tick'),
};

type Value = string | number | boolean | Buffer;

/**
 * The map being written: keys and values of the fields given so far. One per module, reused: a map is written
 * from begin() to finish() in one synchronous call, so no two are ever under way at once.
 */
const keys: Buffer[] = [];
const values: Value[] = [];
let count = 0;

/** Starts a map. */
export function begin(): void {
  count = 0;
}

/** Adds a field to the map under way (in the order the bytes will have them). */
export function field(k: Buffer, v: Value): void {
  keys[count] = k;
  values[count++] = v;
}

/**
 * The bytes of the map under way (msgpackr writes every plain object as a map 16), or undefined when a value is
 * one the hand path leaves to msgpackr.
 */
export function finish(): Buffer | undefined {
  let size = 3;
  for (let i = 0; i < count; i++) {
    const n = valueSize(values[i]!);
    if (n < 0) {
      values.fill(0, 0, count);
      return undefined;
    }
    size += keys[i]!.length + n;
  }
  const out = Buffer.allocUnsafe(size);
  out[0] = 0xde;
  out.writeUInt16BE(count, 1);
  let at = 3;
  for (let i = 0; i < count; i++) {
    at += keys[i]!.copy(out, at);
    at = writeValue(out, at, values[i]!);
  }
  // Buffers given are not held on to after the call.
  values.fill(0, 0, count);
  return out;
}

/** Bytes of a value as msgpackr writes it; -1: not covered here. */
function valueSize(v: Value): number {
  if (typeof v === 'string') {
    // ASCII only (one byte per character, the header follows from the length), under 256 bytes.
    if (v.length >= 256 || Buffer.byteLength(v) !== v.length) return -1;
    return (v.length < 32 ? 1 : 2) + v.length;
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0 || Object.is(v, -0)) return -1;
    if (!Number.isInteger(v) || v >= 2 ** 32) return 9;
    return v < 128 ? 1 : v < 256 ? 2 : v < 65_536 ? 3 : 5;
  }
  if (typeof v === 'boolean') return 1;
  if (!Buffer.isBuffer(v)) return -1;
  return (v.length < 256 ? 2 : v.length < 65_536 ? 3 : 5) + v.length;
}

function writeValue(out: Buffer, at: number, v: Value): number {
  if (typeof v === 'string') {
    if (v.length < 32) {
      out[at++] = 0xa0 | v.length;
    } else {
      out[at++] = 0xd9;
      out[at++] = v.length;
    }
    return at + out.write(v, at, 'latin1');
  }
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v >= 2 ** 32) {
      out[at] = 0xcb;
      out.writeDoubleBE(v, at + 1);
      return at + 9;
    }
    if (v < 128) {
      out[at] = v;
      return at + 1;
    }
    if (v < 256) {
      out[at] = 0xcc;
      out[at + 1] = v;
      return at + 2;
    }
    if (v < 65_536) {
      out[at] = 0xcd;
      out.writeUInt16BE(v, at + 1);
      return at + 3;
    }
    out[at] = 0xce;
    out.writeUInt32BE(v, at + 1);
    return at + 5;
  }
  if (typeof v === 'boolean') {
    out[at] = v ? 0xc3 : 0xc2;
    return at + 1;
  }
  if (v.length < 256) {
    out[at++] = 0xc4;
    out[at++] = v.length;
  } else if (v.length < 65_536) {
    out[at] = 0xc5;
    out.writeUInt16BE(v.length, at + 1);
    at += 3;
  } else {
    out[at] = 0xc6;
    out.writeUInt32BE(v.length, at + 1);
    at += 5;
  }
  return at + v.copy(out, at);
}

