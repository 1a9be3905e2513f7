// fast-check generators of bad protocol input, in two families: requests that a sound broker answers with an
// error and keeps the connection for (wrong field types, unknown apis, bad batches), and byte streams after
// which it must close the connection (garbage, lying lengths, bodies that are not a request).
import { encodeFrame } from '@klog/protocol';
import { crc32c, encodeBatch } from '@klog/log-core';
import fc from 'fast-check';

export const FUZZ_TOPIC = 'fuzz';
type Obj = Record<string, unknown>;

/**
 * A request to pipeline. `mustFail`: the answer must carry an error — that code, or any typed one (`true`) —
 * at its top level or in one of its partitions; otherwise it may succeed or fail.
 */
export interface FuzzRequest {
  api: string;
  body: Obj;
  mustFail?: string | true;
}

/** Requests of the right shape, one per api that answers at once and changes nothing that matters. */
const TEMPLATES: Record<string, () => Obj> = {
  apiVersions: () => ({}),
  metadata: () => ({ topics: [FUZZ_TOPIC], allowAutoCreate: false }),
  createTopics: () => ({ topics: [{ name: 'fuzz-made', partitions: 1, config: {} }] }),
  listOffsets: () => ({ topics: [{ topic: FUZZ_TOPIC, partitions: [{ partition: 0, timestamp: -1 }] }] }),
  produce: () => ({ acks: 1, topics: [{ topic: FUZZ_TOPIC, partitions: [{ partition: 0, batch: goodBatch() }] }] }),
  fetch: () => ({ maxWaitMs: 0, minBytes: 0, maxBytes: 4096, topics: [{ topic: FUZZ_TOPIC, partitions: [{ partition: 0, offset: 0, maxBytes: 4096 }] }] }),
  initProducerId: () => ({}),
  heartbeat: () => ({ groupId: 'fuzz-group', memberId: 'nobody', generationId: 1 }),
  leaveGroup: () => ({ groupId: 'fuzz-group', memberId: 'nobody' }),
  offsetCommit: () => ({ groupId: 'fuzz-group', memberId: '', generationId: -1, offsets: [{ topic: FUZZ_TOPIC, partition: 0, offset: 0 }] }),
  offsetFetch: () => ({ groupId: 'fuzz-group', partitions: [{ topic: FUZZ_TOPIC, partition: 0 }] }),
  listGroups: () => ({}),
  describeGroup: () => ({ groupId: 'fuzz-group' }),
};
const APIS = Object.keys(TEMPLATES);

function goodBatch(): Buffer {
  return encodeBatch([{ value: Buffer.from('fuzz') }, { key: Buffer.from('k'), value: Buffer.from('v') }]);
}

/** Paths to every field (and array element) of a request, so a mutation can hit any of them. */
function paths(o: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Buffer.isBuffer(o) || typeof o !== 'object' || o === null) return prefix.length > 0 ? [prefix] : [];
  const keys = Array.isArray(o) ? o.map((_, i) => i) : Object.keys(o);
  return [...(prefix.length > 0 ? [prefix] : []), ...keys.flatMap((k) => paths((o as Obj)[k as string], [...prefix, k]))];
}

function setAt(o: Obj, path: (string | number)[], value: unknown): void {
  let cur = o as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === REMOVE) delete cur[last];
  else cur[last] = value;
}

const REMOVE = Symbol('remove');

const wrongValue = fc.oneof(
  fc.string({ maxLength: 8 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(REMOVE),
  fc.constantFrom(-1, 2 ** 31, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
  fc.uint8Array({ maxLength: 16 }).map((a) => Buffer.from(a)),
);

/** A request of the right shape with one field given a wrong type, a wrong value, or removed. */
const wrongField = fc.record({ api: fc.constantFrom(...APIS), pick: fc.nat(), value: wrongValue }).map(({ api, pick, value }): FuzzRequest => {
  const body = TEMPLATES[api]();
  const all = paths(body);
  if (all.length > 0) setAt(body, all[pick % all.length], value);
  // A long-poll is not bad input: keep any fetch wait short so that the answers behind it are not held up.
  if (typeof body.maxWaitMs === 'number' && body.maxWaitMs > 50) body.maxWaitMs = 50;
  return { api, body };
});

/** Random fields under a real or unknown api name. */
const randomRequest = fc.record({
  api: fc.oneof(fc.constantFrom(...APIS), fc.string({ maxLength: 12 })),
  body: fc.dictionary(fc.string({ maxLength: 6 }), wrongValue.filter((v) => v !== REMOVE), { maxKeys: 4 }),
}).map(({ api, body }): FuzzRequest => TEMPLATES[api]
  ? { api, body: { ...body, acks: 1 } }
  : { api: `x-${api}`, body: { ...body, acks: 1 }, mustFail: 'UNSUPPORTED_VERSION' });

/** A produce whose batch lies: bad CRC, record count or length that disagree with the bytes, garbage. */
const badBatch = fc.record({
  kind: fc.constantFrom('crc', 'count', 'length', 'truncated', 'garbage', 'magic'),
  n: fc.integer(),
  junk: fc.uint8Array({ maxLength: 80 }),
}).map(({ kind, n, junk }): FuzzRequest => {
  const good = goodBatch();
  let b = Buffer.from(good);
  if (kind === 'crc') b[21 + (Math.abs(n) % (b.length - 21))] ^= 0xff;
  if (kind === 'count') {
    // A record count that disagrees with the records, under a CRC that matches: only parsing can catch it.
    b.writeInt32BE(n === 2 ? 3 : n, 57);
    b.writeUInt32BE(crc32c(b.subarray(21)), 17);
  }
  if (kind === 'length') b.writeInt32BE(n, 8);
  if (kind === 'truncated') b = b.subarray(0, Math.abs(n) % b.length);
  if (kind === 'garbage') b = Buffer.from(junk);
  if (kind === 'magic') b[16] = (n & 0xff) === 2 ? 1 : n & 0xff;
  // Only a length written over with the true one leaves the batch intact; any other damage must be refused.
  const intact = b.equals(good);
  return { api: 'produce', body: { acks: 1, topics: [{ topic: FUZZ_TOPIC, partitions: [{ partition: 0, batch: b }] }] }, ...(intact ? {} : { mustFail: true as const }) };
});

/** Requests the broker must answer (with an error, mostly) and keep the connection open for. */
export const answerableRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(wrongField, randomRequest, badBatch);

/** Produce with acks 0 is the one request the protocol leaves unanswered. */
export function expectsAnswer(req: FuzzRequest): boolean {
  return !(req.api === 'produce' && req.body.acks === 0);
}

/** The request as a person can read it in a failure report (buffers in hex, cut at 200 characters). */
export function describeRequest(req: FuzzRequest): string {
  const json = JSON.stringify(req.body, (_k, v: unknown) => {
    const b = v as { type?: unknown; data?: unknown };
    return b !== null && typeof b === 'object' && b.type === 'Buffer' && Array.isArray(b.data) ? `<hex ${Buffer.from(b.data as number[]).toString('hex')}>` : v;
  });
  return `${req.api} ${json.length > 200 ? `${json.slice(0, 200)}...` : json}`;
}

/** Every error code in an answer, at any depth (top level, topics, partitions). */
export function errorCodesIn(answer: unknown): string[] {
  if (answer === null || typeof answer !== 'object' || Buffer.isBuffer(answer)) return [];
  const own = !Array.isArray(answer) && typeof (answer as Obj).errorCode === 'string' ? [(answer as Obj).errorCode as string] : [];
  return [...own, ...Object.values(answer as Obj).flatMap(errorCodesIn)];
}

export function frameOf(req: FuzzRequest, correlationId: number): Buffer {
  return encodeFrame({ ...req.body, api: req.api, version: 0, correlationId });
}

function withLength(body: Buffer | Uint8Array, declared = body.length): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(declared >>> 0);
  return Buffer.concat([head, body]);
}

/**
 * A byte stream that cannot be trusted. `closes`: the broker must close the connection by itself, after an
 * error frame (correlation id -1) with this code; `false`: it is left waiting for bytes that never come, and
 * the test ends its side.
 */
export interface UntrustedStream {
  kind: string;
  bytes: Buffer;
  closes: false | 'FRAME_TOO_LARGE' | 'INVALID_REQUEST';
}

export function untrustedStream(maxFrameBytes: number): fc.Arbitrary<UntrustedStream> {
  return fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b): UntrustedStream => ({ kind: 'random bytes', bytes: Buffer.from(b), closes: false })),
    fc.tuple(answerableRequest, fc.nat()).map(([req, cut]): UntrustedStream => {
      const f = frameOf(req, 1);
      return { kind: 'truncated frame', bytes: f.subarray(0, cut % f.length), closes: false };
    }),
    fc.tuple(fc.integer({ min: maxFrameBytes + 1, max: 0xffffffff }), fc.uint8Array({ maxLength: 32 }))
      .map(([declared, b]): UntrustedStream => {
        const bytes = withLength(b, declared).subarray(0, 4 + b.length);
        // A first byte 0x16 is how a TLS ClientHello starts: the broker says "this port is not TLS" (INVALID_REQUEST)
        // rather than FRAME_TOO_LARGE, the more useful answer to the likelier sender.
        return { kind: 'huge declared length', bytes, closes: bytes[0] === 0x16 ? 'INVALID_REQUEST' : 'FRAME_TOO_LARGE' };
      }),
    // An empty body is not msgpack either; alone in the stream it once crashed the frame reader.
    fc.uint8Array({ maxLength: 16 }).map((b): UntrustedStream => ({ kind: 'empty frame', bytes: Buffer.concat([Buffer.alloc(4), b]), closes: 'INVALID_REQUEST' })),
    fc.uint8Array({ maxLength: 32 }).map((b): UntrustedStream => ({ kind: 'body not msgpack', bytes: withLength(Buffer.concat([Buffer.from([0xc1]), b])), closes: 'INVALID_REQUEST' })),
    fc.oneof(fc.array(fc.integer(), { maxLength: 3 }), fc.integer(), fc.string({ maxLength: 8 }),
      fc.record({ api: fc.string({ maxLength: 6 }), version: fc.integer() }))
      .map((v): UntrustedStream => ({ kind: 'not a request', bytes: encodeFrame(v), closes: 'INVALID_REQUEST' })),
  );
}
