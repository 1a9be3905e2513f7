import { KlogError } from '@klog/log-core';

/**
 * Reads the primitives of the Kafka encoding: big-endian integers, classic strings (int16 length), bytes
 * (int32 length) and arrays (int32 count), -1 meaning null, and the flexible versions' unsigned varints and
 * compact forms (uvarint N+1, 0 meaning null). Anything that does not fit the bytes
 * throws INVALID_REQUEST: the listener then closes the connection, since the stream cannot be trusted.
 */
export class KafkaReader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  int8(): number {
    return this.take(1).readInt8(0);
  }

  int16(): number {
    return this.take(2).readInt16BE(0);
  }

  int32(): number {
    return this.take(4).readInt32BE(0);
  }

  /** int64 as a number: offsets and timestamps stay far below 2^53; larger values lose precision, not validity. */
  int64(): number {
    return Number(this.take(8).readBigInt64BE(0));
  }

  uint16(): number {
    return this.take(2).readUInt16BE(0);
  }

  float64(): number {
    return this.take(8).readDoubleBE(0);
  }

  /** 16 raw bytes (a copy: a decoded request outlives nothing, but a topic id may be kept). */
  uuid(): Buffer {
    return Buffer.from(this.take(16));
  }

  /** Unsigned LEB128 varint, at most 5 bytes (a u32), as flexible versions use for lengths and tags. */
  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.take(1)[0];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) {
        if (value > 0xffffffff) throw malformed(`unsigned varint ${value} exceeds 32 bits`);
        return value;
      }
    }
    throw malformed('unsigned varint longer than 5 bytes');
  }

  /** A compact length: uvarint N+1, where 0 (null) comes back as -1, like the classic encodings' null. */
  compactLength(): number {
    return this.uvarint() - 1;
  }

  compactNullableString(): string | null {
    const length = this.compactLength();
    if (length === -1) return null;
    return this.take(length).toString('utf8');
  }

  /** A view of the request's bytes, as nullableBytes. */
  compactNullableBytes(): Buffer | null {
    const length = this.compactLength();
    if (length === -1) return null;
    return this.take(length);
  }

  /** An array count, classic (int32) or compact; -1 = null. A count beyond the bytes left is refused. */
  arrayCount(compact: boolean): number {
    const count = compact ? this.compactLength() : this.int32();
    if (count < -1 || count > this.remaining) throw malformed(`array count ${count}`);
    return count;
  }

  /** A reader over the next n bytes (a tagged field's value), moving this one past them. */
  sub(n: number): KafkaReader {
    return new KafkaReader(this.take(n));
  }

  skip(n: number): void {
    this.take(n);
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  nullableString(): string | null {
    const length = this.int16();
    if (length === -1) return null;
    if (length < 0) throw malformed(`string length ${length}`);
    return this.take(length).toString('utf8');
  }

  string(): string {
    const s = this.nullableString();
    if (s === null) throw malformed('null where a string is required');
    return s;
  }

  /** A view of the request's bytes (not a copy): produce appends it as is. */
  nullableBytes(): Buffer | null {
    const length = this.int32();
    if (length === -1) return null;
    if (length < 0) throw malformed(`bytes length ${length}`);
    return this.take(length);
  }

  bytes(): Buffer {
    const b = this.nullableBytes();
    if (b === null) throw malformed('null where bytes are required');
    return b;
  }

  nullableArray<T>(readItem: (r: KafkaReader) => T): T[] | null {
    const count = this.int32();
    if (count === -1) return null;
    // Every item takes at least one byte: a count beyond the bytes left is a lie, refused before looping.
    if (count < 0 || count > this.remaining) throw malformed(`array count ${count}`);
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(readItem(this));
    return items;
  }

  array<T>(readItem: (r: KafkaReader) => T): T[] {
    const a = this.nullableArray(readItem);
    if (a === null) throw malformed('null where an array is required');
    return a;
  }

  private take(n: number): Buffer {
    if (n > this.remaining) throw malformed(`needs ${n} bytes at byte ${this.pos}, ${this.remaining} left`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

function malformed(what: string): KlogError {
  return new KlogError('INVALID_REQUEST', `malformed Kafka request: ${what}`);
}
