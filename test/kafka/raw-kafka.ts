// A hand-written Kafka wire client for the tests: builds classic-encoded requests field by field (valid or
// not) and hands out the raw responses in arrival order. Real clients are tested elsewhere; this one is for
// what they would never send.
import { connect, type Socket } from 'node:net';
import { FrameReader } from '@klog/protocol';

/** Field-by-field encoder of the classic Kafka encoding. */
export class Enc {
  private readonly parts: Buffer[] = [];

  int8(v: number): this {
    return this.push(1, (b) => b.writeInt8(v));
  }

  int16(v: number): this {
    return this.push(2, (b) => b.writeInt16BE(v));
  }

  int32(v: number): this {
    return this.push(4, (b) => b.writeInt32BE(v));
  }

  int64(v: number): this {
    return this.push(8, (b) => b.writeBigInt64BE(BigInt(v)));
  }

  str(s: string | null): this {
    if (s === null) return this.int16(-1);
    const b = Buffer.from(s);
    this.int16(b.length);
    this.parts.push(b);
    return this;
  }

  bytes(b: Buffer | null): this {
    if (b === null) return this.int32(-1);
    this.int32(b.length);
    this.parts.push(b);
    return this;
  }

  array<T>(items: T[] | null, each: (e: this, item: T) => void): this {
    if (items === null) return this.int32(-1);
    this.int32(items.length);
    for (const item of items) each(this, item);
    return this;
  }

  /** Flexible versions: unsigned varint, compact string / array (N+1, 0 = null), an empty tagged section. */
  uvarint(v: number): this {
    const bytes: number[] = [];
    while (v >= 0x80) {
      bytes.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
    this.parts.push(Buffer.from(bytes));
    return this;
  }

  compactStr(s: string | null): this {
    if (s === null) return this.uvarint(0);
    const b = Buffer.from(s);
    this.uvarint(b.length + 1);
    this.parts.push(b);
    return this;
  }

  compactArray<T>(items: T[] | null, each: (e: this, item: T) => void): this {
    if (items === null) return this.uvarint(0);
    this.uvarint(items.length + 1);
    for (const item of items) each(this, item);
    return this;
  }

  noTags(): this {
    return this.uvarint(0);
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }

  private push(n: number, write: (b: Buffer) => void): this {
    const b = Buffer.alloc(n);
    write(b);
    this.parts.push(b);
    return this;
  }
}

/**
 * A whole request frame: int32 size, header v1 (api key, version, correlation id, client id) or, for flexible
 * versions, v2 (the same, then an empty tagged section), body.
 */
export function requestFrame(apiKey: number, version: number, correlationId: number, body: Buffer, clientId: string | null = 'raw', flexibleHeader = false): Buffer {
  const header = new Enc().int16(apiKey).int16(version).int32(correlationId).str(clientId);
  if (flexibleHeader) header.noTags();
  const payload = Buffer.concat([header.build(), body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

/** Field-by-field decoder of a response body. */
export class Dec {
  pos = 0;

  constructor(readonly buf: Buffer) {}

  int8(): number {
    return this.buf.readInt8((this.pos += 1) - 1);
  }

  int16(): number {
    return this.buf.readInt16BE((this.pos += 2) - 2);
  }

  int32(): number {
    return this.buf.readInt32BE((this.pos += 4) - 4);
  }

  int64(): number {
    return Number(this.buf.readBigInt64BE((this.pos += 8) - 8));
  }

  str(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    return this.buf.toString('utf8', this.pos, (this.pos += n));
  }

  bytes(): Buffer | null {
    const n = this.int32();
    if (n < 0) return null;
    return this.buf.subarray(this.pos, (this.pos += n));
  }

  array<T>(each: (d: this) => T): T[] {
    const n = this.int32();
    return Array.from({ length: Math.max(0, n) }, () => each(this));
  }

  uvarint(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = this.buf[this.pos++];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
  }

  compactStr(): string | null {
    const n = this.uvarint() - 1;
    if (n < 0) return null;
    return this.buf.toString('utf8', this.pos, (this.pos += n));
  }

  compactArray<T>(each: (d: this) => T): T[] {
    const n = this.uvarint() - 1;
    return Array.from({ length: Math.max(0, n) }, () => each(this));
  }

  /** Skips a tagged-field section, returning the tags it held. */
  tags(): number[] {
    const tags: number[] = [];
    for (let n = this.uvarint(); n > 0; n--) {
      tags.push(this.uvarint());
      this.pos += this.uvarint();
    }
    return tags;
  }

  get done(): boolean {
    return this.pos === this.buf.length;
  }
}

export interface Response {
  correlationId: number;
  body: Dec;
}

/** One TCP connection to the Kafka listener, speaking raw frames. */
export class RawKafka {
  private readonly responses: Response[] = [];
  private readonly waiters: ((r: Response | null) => void)[] = [];
  private readonly reader = new FrameReader(1 << 30);
  private isClosed = false;
  /** Resolves once the connection is closed, by either side. */
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      for (const frame of this.reader.push(chunk)) {
        const r = { correlationId: frame.readInt32BE(0), body: new Dec(frame.subarray(4)) };
        const w = this.waiters.shift();
        if (w) w(r);
        else this.responses.push(r);
      }
    });
    socket.on('error', () => undefined); // 'close' follows
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.isClosed = true;
      for (const w of this.waiters.splice(0)) w(null);
      resolve();
    }));
  }

  /** `localAddress` (another 127.x.y.z) makes the broker see a different client address, e.g. for its login throttle. */
  static open(port: number, localAddress?: string): Promise<RawKafka> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, localAddress });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawKafka(socket));
      });
      socket.once('error', reject);
    });
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next response, or null once the connection is closed with none left. */
  next(): Promise<Response | null> {
    const r = this.responses.shift();
    if (r) return Promise.resolve(r);
    if (this.isClosed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Sends one request and returns its response (which must be the next one to arrive). */
  async call(apiKey: number, version: number, body: Buffer, correlationId = 7): Promise<Dec> {
    this.write(requestFrame(apiKey, version, correlationId, body));
    const r = await this.next();
    if (r === null) throw new Error(`connection closed instead of answering api ${apiKey} v${version}`);
    if (r.correlationId !== correlationId) throw new Error(`answer for correlation id ${r.correlationId}, expected ${correlationId}`);
    return r.body;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Request bodies of the APIs the tests use, in the versions the listener serves. */
export const bodies = {
  apiVersions: () => Buffer.alloc(0),
  metadata: (topics: string[] | null, allowAutoCreate = true) => new Enc().array(topics, (e, t) => e.str(t)).int8(allowAutoCreate ? 1 : 0).build(),
  produce: (topic: string, partition: number, records: Buffer | null, acks = -1) =>
    new Enc().str(null).int16(acks).int32(5_000).array([topic], (e, t) => e.str(t).array([partition], (e, p) => e.int32(p).bytes(records))).build(),
  fetch: (topic: string, partition: number, offset: number, maxWaitMs = 0) =>
    new Enc().int32(-1).int32(maxWaitMs).int32(1).int32(1 << 20).int8(0)
      .array([topic], (e, t) => e.str(t).array([partition], (e, p) => e.int32(p).int64(offset).int32(1 << 20))).build(),
  listOffsets: (topic: string, partition: number, timestamp: number) =>
    new Enc().int32(-1).array([topic], (e, t) => e.str(t).array([partition], (e, p) => e.int32(p).int64(timestamp))).build(),
  createTopics: (topics: { name: string; partitions: number; replication?: number }[], validateOnly = false) =>
    new Enc().array(topics, (e, t) => e.str(t.name).int32(t.partitions).int16(t.replication ?? -1).array([], () => undefined).array([], () => undefined))
      .int32(5_000).int8(validateOnly ? 1 : 0).build(),
  offsetFetch: (group: string, topic: string, partition: number) =>
    new Enc().str(group).array([topic], (e, t) => e.str(t).array([partition], (e, p) => e.int32(p))).build(),
  offsetCommit: (group: string, topic: string, partition: number, offset: number) =>
    new Enc().str(group).int32(-1).str('').int64(-1).array([topic], (e, t) => e.str(t).array([partition], (e, p) => e.int32(p).int64(offset).str(null))).build(),
};

export const API = {
  PRODUCE: 0, FETCH: 1, LIST_OFFSETS: 2, METADATA: 3, OFFSET_COMMIT: 8, OFFSET_FETCH: 9, FIND_COORDINATOR: 10,
  JOIN_GROUP: 11, HEARTBEAT: 12, LEAVE_GROUP: 13, SYNC_GROUP: 14, DESCRIBE_GROUPS: 15, LIST_GROUPS: 16, SASL_HANDSHAKE: 17, API_VERSIONS: 18, CREATE_TOPICS: 19,
  DELETE_RECORDS: 21, DESCRIBE_CONFIGS: 32, ALTER_CONFIGS: 33, SASL_AUTHENTICATE: 36, CREATE_PARTITIONS: 37, INCREMENTAL_ALTER_CONFIGS: 44,
} as const;
