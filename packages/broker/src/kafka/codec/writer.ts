/**
 * Builds a response body in the Kafka encoding, classic and flexible (unsigned varints, compact forms). Small fields go to a scratch buffer;
 * large byte fields (fetched record batches) are kept as references, so the stored bytes reach the socket
 * without being copied.
 */
export class KafkaWriter {
  private readonly parts: Buffer[] = [];
  private scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
  private pos = 0;
  private flushedBytes = 0;

  get length(): number {
    return this.flushedBytes + this.pos;
  }

  int8(v: number): this {
    this.room(1).writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }

  int16(v: number): this {
    this.room(2).writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  int32(v: number): this {
    this.room(4).writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  int64(v: number): this {
    this.room(8).writeBigInt64BE(BigInt(v), this.pos);
    this.pos += 8;
    return this;
  }

  uint16(v: number): this {
    this.room(2).writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  float64(v: number): this {
    this.room(8).writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }

  uuid(b: Buffer): this {
    if (b.length !== 16) throw new RangeError(`a uuid is 16 bytes, got ${b.length}`);
    b.copy(this.room(16), this.pos);
    this.pos += 16;
    return this;
  }

  /** Unsigned LEB128 varint of a u32. */
  uvarint(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`unsigned varint out of range: ${v}`);
    const buf = this.room(5);
    while (v >= 0x80) {
      buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[this.pos++] = v;
    return this;
  }

  compactNullableString(s: string | null): this {
    if (s === null) return this.uvarint(0);
    const length = Buffer.byteLength(s);
    this.uvarint(length + 1);
    this.room(length).write(s, this.pos, 'utf8');
    this.pos += length;
    return this;
  }

  compactNullableBytes(b: Buffer | null): this {
    if (b === null) return this.uvarint(0);
    this.uvarint(b.length + 1);
    return this.raw(b);
  }

  /** An array count, classic (int32) or compact (uvarint N+1); null = -1 / 0. */
  arrayCount(count: number | null, compact: boolean): this {
    if (compact) return this.uvarint(count === null ? 0 : count + 1);
    return this.int32(count ?? -1);
  }

  /** Bytes as they are, no length: referenced when large (see nullableBytes). */
  raw(b: Buffer): this {
    if (b.length >= REFERENCE_BYTES) {
      this.flushScratch();
      this.parts.push(b);
      this.flushedBytes += b.length;
    } else {
      b.copy(this.room(b.length), this.pos);
      this.pos += b.length;
    }
    return this;
  }

  /** Everything another writer holds, appended (a tagged field, sized before it is written). */
  append(other: KafkaWriter): this {
    for (const part of other.toBuffers()) this.raw(part);
    return this;
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  nullableString(s: string | null): this {
    if (s === null) return this.int16(-1);
    const length = Buffer.byteLength(s);
    this.int16(length);
    this.room(length).write(s, this.pos, 'utf8');
    this.pos += length;
    return this;
  }

  string(s: string): this {
    return this.nullableString(s);
  }

  nullableBytes(b: Buffer | null): this {
    if (b === null) return this.int32(-1);
    this.int32(b.length);
    return this.raw(b);
  }

  bytes(b: Buffer): this {
    return this.nullableBytes(b);
  }

  array<T>(items: readonly T[], writeItem: (w: this, item: T) => void): this {
    this.int32(items.length);
    for (const item of items) writeItem(this, item);
    return this;
  }

  /** The encoded body as a list of buffers, in order. */
  toBuffers(): Buffer[] {
    this.flushScratch();
    return this.parts;
  }

  private room(n: number): Buffer {
    if (this.pos + n > this.scratch.length) {
      this.flushScratch();
      if (n > this.scratch.length) this.scratch = Buffer.allocUnsafe(n);
    }
    return this.scratch;
  }

  private flushScratch(): void {
    if (this.pos === 0) return;
    this.parts.push(this.scratch.subarray(0, this.pos));
    this.flushedBytes += this.pos;
    this.scratch = this.scratch.subarray(this.pos);
    this.pos = 0;
    if (this.scratch.length < MIN_SCRATCH_BYTES) this.scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
  }
}

const SCRATCH_BYTES = 8192;
const MIN_SCRATCH_BYTES = 256;
/** Byte fields at least this long are referenced rather than copied. */
const REFERENCE_BYTES = 1024;
