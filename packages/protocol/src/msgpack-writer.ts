/**
 * msgpack written by hand, for the messages whose generic encoding (msgpackr walking every value and testing its
 * type) is a measurable part of a process's CPU: a shareFetch answer carries six values per record.
 *
 * Every value is encoded as msgpackr (configured as in frame-codec.ts) encodes it, byte for byte, so a frame
 * does not depend on which path wrote it: integers in the smallest form (positive fixint up to 127), other
 * numbers (fractional, or beyond 32 bits) as float64, strings in the smallest str header, plain objects as
 * map 16 (msgpackr reserves a map's header before it counts the keys), buffers as bin.
 *
 * The output is cut from slabs, as msgpackr's own buffer is: each `finish()` hands out a view of the bytes
 * written since `begin()`, and later outputs start after it, so a frame waiting in a socket's queue is never
 * written over. A writer is used from begin() to finish() in one synchronous call: no two outputs interleave.
 */
const SLAB_BYTES = 64 * 1024;

/** Strings shorter than this are encoded by the loop below (msgpackr's threshold, see `string`). */
const SHORT_STRING = 0x40;

export class MsgpackWriter {
  private buf: Buffer;
  private start = 0;
  private pos = 0;

  constructor(private readonly slabBytes = SLAB_BYTES) {
    this.buf = Buffer.allocUnsafe(slabBytes);
  }

  /** Starts an output at the current position. */
  begin(): void {
    this.start = this.pos;
  }

  /** The bytes written since begin(); the next output starts after them. */
  finish(): Buffer {
    const out = this.buf.subarray(this.start, this.pos);
    this.start = this.pos;
    return out;
  }

  /** Room for `n` more bytes: a new slab (the output so far moved to its front) when this one is short. */
  private room(n: number): Buffer {
    if (this.pos + n > this.buf.length) {
      const used = this.pos - this.start;
      const next = Buffer.allocUnsafe(Math.max(this.slabBytes, 2 * (used + n)));
      this.buf.copy(next, 0, this.start, this.pos);
      this.buf = next;
      this.start = 0;
      this.pos = used;
    }
    return this.buf;
  }

  /** Leaves `n` bytes to be filled later (e.g. a frame's length); returns their offset in the output. */
  skip(n: number): number {
    this.room(n);
    const at = this.pos - this.start;
    this.pos += n;
    return at;
  }

  /** Bytes that are already msgpack (a pre-encoded key, a value msgpackr packed). */
  raw(bytes: Uint8Array): void {
    const b = this.room(bytes.length);
    b.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  nil(): void {
    this.room(1)[this.pos++] = 0xc0;
  }

  boolean(v: boolean): void {
    this.room(1)[this.pos++] = v ? 0xc3 : 0xc2;
  }

  number(v: number): void {
    const b = this.room(9);
    let p = this.pos;
    if (v >>> 0 === v) {
      if (v < 0x80) {
        b[p++] = v;
      } else if (v < 0x100) {
        b[p++] = 0xcc;
        b[p++] = v;
      } else if (v < 0x10000) {
        b[p++] = 0xcd;
        b[p++] = v >> 8;
        b[p++] = v & 0xff;
      } else {
        b[p++] = 0xce;
        b.writeUInt32BE(v, p);
        p += 4;
      }
    } else if (v >> 0 === v) {
      if (v >= -0x20) {
        b[p++] = v & 0xff; // negative fixint
      } else if (v >= -0x80) {
        b[p++] = 0xd0;
        b[p++] = v & 0xff;
      } else if (v >= -0x8000) {
        b[p++] = 0xd1;
        b.writeInt16BE(v, p);
        p += 2;
      } else {
        b[p++] = 0xd2;
        b.writeInt32BE(v, p);
        p += 4;
      }
    } else {
      // Beyond 32 bits (timestamps, far offsets) or fractional: msgpackr writes float64, exact for safe integers.
      b[p++] = 0xcb;
      b.writeDoubleBE(v, p);
      p += 8;
    }
    this.pos = p;
  }

  /**
   * UTF-8, header first. The header's size is guessed from the string's length and corrected (moving the bytes)
   * when the encoded length needs a bigger one. Short strings are encoded by a loop, longer ones by Buffer's
   * encoder, at msgpackr's threshold: the two differ only on a lone surrogate (the loop writes its three bytes,
   * Buffer the replacement character), which then also comes out as msgpackr writes it.
   */
  string(s: string): void {
    const chars = s.length;
    const header = chars < 0x20 ? 1 : chars < 0x100 ? 2 : chars < 0x10000 ? 3 : 5;
    const b = this.room(5 + 3 * chars); // room for the biggest header, whatever the guess
    const at = this.pos;
    let p = at + header;
    if (chars < SHORT_STRING) {
      for (let i = 0; i < chars; i++) {
        let c = s.charCodeAt(i);
        if (c < 0x80) {
          b[p++] = c;
        } else if (c < 0x800) {
          b[p++] = 0xc0 | (c >> 6);
          b[p++] = 0x80 | (c & 0x3f);
        } else if ((c & 0xfc00) === 0xd800 && i + 1 < chars && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
          c = 0x10000 + ((c & 0x3ff) << 10) + (s.charCodeAt(++i) & 0x3ff);
          b[p++] = 0xf0 | (c >> 18);
          b[p++] = 0x80 | ((c >> 12) & 0x3f);
          b[p++] = 0x80 | ((c >> 6) & 0x3f);
          b[p++] = 0x80 | (c & 0x3f);
        } else {
          b[p++] = 0xe0 | (c >> 12);
          b[p++] = 0x80 | ((c >> 6) & 0x3f);
          b[p++] = 0x80 | (c & 0x3f);
        }
      }
    } else {
      p += b.write(s, p, 'utf8');
    }
    const length = p - at - header;
    const needs = length < 0x20 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : 5;
    if (needs > header) b.copyWithin(at + needs, at + header, p);
    let h = at;
    if (needs === 1) {
      b[h++] = 0xa0 | length;
    } else if (needs === 2) {
      b[h++] = 0xd9;
      b[h++] = length;
    } else if (needs === 3) {
      b[h++] = 0xda;
      b.writeUInt16BE(length, h);
    } else {
      b[h++] = 0xdb;
      b.writeUInt32BE(length, h);
    }
    // A header guessed bigger than needed cannot happen: a string has at least as many bytes as UTF-16 units.
    this.pos = at + needs + length;
  }

  bytes(v: Uint8Array): void {
    const n = v.length;
    const b = this.room(5 + n);
    let p = this.pos;
    if (n < 0x100) {
      b[p++] = 0xc4;
      b[p++] = n;
    } else if (n < 0x10000) {
      b[p++] = 0xc5;
      b.writeUInt16BE(n, p);
      p += 2;
    } else {
      b[p++] = 0xc6;
      b.writeUInt32BE(n, p);
      p += 4;
    }
    b.set(v, p);
    this.pos = p + n;
  }

  /** Bytes, or nil for null (a record's key, value or header value). */
  bytesOrNil(v: Uint8Array | null | undefined): void {
    if (v === null || v === undefined) this.nil();
    else this.bytes(v);
  }

  arrayHeader(n: number): void {
    const b = this.room(5);
    let p = this.pos;
    if (n < 0x10) {
      b[p++] = 0x90 | n;
    } else if (n < 0x10000) {
      b[p++] = 0xdc;
      b.writeUInt16BE(n, p);
      p += 2;
    } else {
      b[p++] = 0xdd;
      b.writeUInt32BE(n, p);
      p += 4;
    }
    this.pos = p;
  }

  /** A map of `n` entries (at most 65535), in the map 16 form msgpackr writes for every plain object. */
  mapHeader(n: number): void {
    const b = this.room(3);
    b[this.pos] = 0xde;
    b.writeUInt16BE(n, this.pos + 1);
    this.pos += 3;
  }
}

/** A key written once: a map's key as bytes ready to copy. */
export function encodedKey(name: string): Buffer {
  const w = new MsgpackWriter(5 + 3 * name.length);
  w.begin();
  w.string(name);
  return w.finish();
}
