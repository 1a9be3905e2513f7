import { KlogError } from '@klog/log-core';

/**
 * Reads the classic (non-flexible) Kafka encoding of a request body: big-endian integers, int16-length
 * strings, int32-length bytes and int32-count arrays, -1 meaning null. Anything that does not fit the bytes
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
