// shareFetch v2 answers have their records written by hand (MsgpackWriter, spliced into the frame as a
// PreEncoded value). What must hold: the frame is byte for byte what msgpackr makes of the same answer in its
// plain form (an array of { topic, partition, lockUntil, records } with offsets and timestamps as differences),
// it decodes back to the groups it was written from, and every primitive of the writer encodes as msgpackr does.
// Failing runs print their seed: replay with KLOG_FUZZ_SEED=<seed> npx vitest run test/protocol/share-records-encoding.test.ts
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  APIS, decodeBody, decodeResponse, encodeFrame, encodeResponse, FrameReader, MsgpackWriter, SHARE_RECORD, splitResponse,
  type ShareAckOutcome, type ShareRecordGroup,
} from '@klog/protocol';
import { propertyParameters } from '../reliability/fuzz-seed.js';

const REPLAY = 'npx vitest run test/protocol/share-records-encoding.test.ts';

function params(numRuns: number): { numRuns: number; seed: number } {
  const p = propertyParameters(numRuns);
  console.log(`share records encoding: seed ${p.seed} (replay: KLOG_FUZZ_SEED=${p.seed} ${REPLAY})`);
  return p;
}

/** The compact wire form as the schema wrote it before: plain objects, offset and timestamp as differences. */
function plainWire(groups: readonly ShareRecordGroup[]): unknown[] {
  return groups.map((g) => ({
    topic: g.topic, partition: g.partition, lockUntil: g.lockUntil,
    records: g.records.map((v, i) => {
      const field = i % SHARE_RECORD.stride;
      if (field !== SHARE_RECORD.offset && field !== SHARE_RECORD.timestamp) return v;
      return (v as number) - (i >= SHARE_RECORD.stride ? (g.records[i - SHARE_RECORD.stride] as number) : 0);
    }),
  }));
}

/** msgpackr's frame of the answer in its plain form (encodeFrame packs a message without PreEncoded values by msgpackr). */
function msgpackrFrame(correlationId: number, groups: ShareRecordGroup[], ackResults?: ShareAckOutcome): Buffer {
  const message: Record<string, unknown> = { correlationId, records: plainWire(groups) };
  if (ackResults !== undefined) message.ackResults = APIS.shareFetch.response.shape!.ackResults.write(ackResults, 2);
  return encodeFrame(message);
}

function bodyOf(frame: Buffer): unknown {
  const frames = new FrameReader(1 << 26).push(frame);
  expect(frames).toHaveLength(1);
  return decodeBody(frames[0]);
}

/** Strings crossing the str header sizes (32, 256 bytes) and msgpackr's 64-character switch, in any script. */
const textArb = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary', minLength: 20, maxLength: 140 }),
  fc.constantFrom('jobs', 'émissions', '任务', 'очередь-🚀', 'x'.repeat(31), 'é'.repeat(31), 'x'.repeat(64), '€'.repeat(90)),
);

const bytesArb: fc.Arbitrary<Buffer | null> = fc.oneof(
  { arbitrary: fc.constant(null), weight: 2 },
  { arbitrary: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)), weight: 6 },
  { arbitrary: fc.constantFrom(0xff, 0x100, 0x101).map((n) => Buffer.alloc(n, n & 0x7f)), weight: 1 },
);
// Bin 16 and 32 (64 KiB and more) take long to compare in every case: the examples below write them.

const headersArb: fc.Arbitrary<(string | Buffer | null)[] | null> = fc.oneof(
  fc.constant(null),
  fc.array(fc.tuple(textArb, bytesArb), { maxLength: 9 }).map((pairs) => pairs.flat()), // up to 18 values: past fixarray
);

/** Integers of every msgpack width, both signs; as differences, offsets and timestamps then also go backwards. */
const anyIntArb = fc.oneof(
  fc.integer({ min: -40, max: 300 }),
  fc.integer({ min: -(2 ** 31), max: 2 ** 32 }),
  fc.integer({ min: -(2 ** 50), max: 2 ** 50 }),
);
const offsetArb = fc.oneof(fc.nat({ max: 1_000 }), fc.nat({ max: 2 ** 33 }), fc.maxSafeNat());
const timestampArb = fc.oneof(fc.integer({ min: 1_700_000_000_000, max: 1_700_000_000_100 }), anyIntArb);

const recordArb = fc.tuple(offsetArb, timestampArb, bytesArb, bytesArb, fc.oneof(fc.integer({ min: 1, max: 5 }), fc.nat()), headersArb);

const groupArb: fc.Arbitrary<ShareRecordGroup> = fc.record({
  topic: textArb,
  partition: fc.oneof(fc.nat({ max: 20 }), fc.nat()),
  lockUntil: fc.oneof(fc.constant(1_700_000_030_000), anyIntArb),
  records: fc.array(recordArb, { maxLength: 24 }).map((rs) => rs.flat()),
});

const outcomeArb: fc.Arbitrary<ShareAckOutcome | undefined> = fc.option(fc.record({
  failures: fc.array(fc.record({
    index: fc.nat(), topic: textArb, partition: fc.nat(), offset: fc.maxSafeNat(),
    errorCode: fc.constant('LOCK_LOST' as const), errorMessage: textArb,
  }), { maxLength: 3 }),
}), { nil: undefined });

describe('shareFetch v2 records written by hand', () => {
  it('property: the frame is msgpackr\'s frame of the plain form, byte for byte, and decodes back to the groups', () => {
    fc.assert(fc.property(fc.array(groupArb, { maxLength: 18 }), outcomeArb, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (groups, ackResults, correlationId) => {
      const frame = encodeResponse('shareFetch', 2, correlationId, ackResults === undefined ? { records: groups } : { records: groups, ackResults });
      const expected = msgpackrFrame(correlationId, groups, ackResults);
      expect(bodyOf(frame)).toEqual(bodyOf(expected));
      expect(frame.equals(expected)).toBe(true);
      const split = splitResponse(bodyOf(frame));
      expect(split?.error).toBeNull();
      expect(decodeResponse('shareFetch', 2, split!.body).records).toEqual(groups);
    }), params(300));
  });

  it('a group of more than 65535 values (an array 32 header) and frames bigger than a slab', () => {
    const records: unknown[] = [];
    for (let i = 0; i < 11_000; i++) records.push(1_000 + i, 1_700_000_000_000 - i, null, Buffer.alloc(20, i & 0xff), 1, i % 3 === 0 ? ['h', null] : null);
    records.push(0, 0, Buffer.alloc(0xffff, 1), Buffer.alloc(0x10000, 2), 1, ['k', Buffer.alloc(0x10001, 3)]);
    const groups: ShareRecordGroup[] = [{ topic: 'big', partition: 0, lockUntil: 2 ** 40, records }];
    const frame = encodeResponse('shareFetch', 2, 1, { records: groups });
    expect(frame.equals(msgpackrFrame(1, groups))).toBe(true);
    expect(decodeResponse('shareFetch', 2, splitResponse(bodyOf(frame))!.body).records).toEqual(groups);
    // The next frame starts after this one: the first is not written over.
    const copy = Buffer.from(frame);
    encodeResponse('shareFetch', 2, 2, { records: [{ ...groups[0], topic: 'other' }] });
    expect(frame.equals(copy)).toBe(true);
  });

  it('older versions (one map per record) are written by msgpackr as before and read back the same groups', () => {
    const groups: ShareRecordGroup[] = [{ topic: 'jobs', partition: 1, lockUntil: 9, records: [5, -3, Buffer.from('k'), null, 2, ['é', Buffer.from('v')]] }];
    for (const version of [0, 1]) {
      const split = splitResponse(bodyOf(encodeResponse('shareFetch', version, 3, { records: groups })));
      expect(Array.isArray(split!.body.records) && (split!.body.records as unknown[]).length).toBe(1);
      expect(decodeResponse('shareFetch', version, split!.body).records).toEqual(groups);
    }
  });
});

type Written = ['number', number] | ['string', string] | ['bytes', Buffer | null] | ['boolean', boolean] | ['array', number] | ['map', number] | ['nil'];

const writtenArb: fc.Arbitrary<Written> = fc.oneof(
  fc.oneof(anyIntArb, fc.maxSafeInteger(), fc.double({ noNaN: true }), fc.constantFrom(0, -0, 127, 128, -32, -33, -128, -129, 0x7fff, -0x8000, -0x8001, 2 ** 31, 2 ** 32 - 1, 2 ** 32, -(2 ** 31), -(2 ** 31) - 1))
    .map((v): Written => ['number', v]),
  fc.oneof(textArb, fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 100 }))
    .map((v): Written => ['string', v]), // the second: any UTF-16 units, lone surrogates too
  bytesArb.map((v): Written => ['bytes', v]),
  fc.boolean().map((v): Written => ['boolean', v]),
  fc.constantFrom(0, 15, 16, 0xffff, 0x10000).map((n): Written => ['array', n]),
  fc.constantFrom(0, 4, 15, 16, 0xffff).map((n): Written => ['map', n]),
  fc.constant<Written>(['nil']),
);

/** msgpackr's bytes of one value (a header stands for an array or map of that many nils, without them). */
function msgpackrBytes(w: Written): Buffer {
  switch (w[0]) {
    case 'nil': return encodeFrame(null).subarray(4);
    case 'array': return encodeFrame(new Array(w[1]).fill(null)).subarray(4, -w[1] || undefined);
    case 'map': {
      // msgpackr writes every plain object as a map 16; an empty one shows its header.
      const bytes = encodeFrame({}).subarray(4);
      const out = Buffer.from(bytes);
      out.writeUInt16BE(w[1], 1);
      return out;
    }
    default: return encodeFrame(w[1]).subarray(4);
  }
}

function write(writer: MsgpackWriter, w: Written): void {
  switch (w[0]) {
    case 'number': return writer.number(w[1]);
    case 'string': return writer.string(w[1]);
    case 'bytes': return writer.bytesOrNil(w[1]);
    case 'boolean': return writer.boolean(w[1]);
    case 'array': return writer.arrayHeader(w[1]);
    case 'map': return writer.mapHeader(w[1]);
    case 'nil': return writer.nil();
  }
}

describe('MsgpackWriter', () => {
  it('property: any sequence of values is msgpackr\'s bytes of each, one after another, also across slabs; earlier outputs stay intact', () => {
    fc.assert(fc.property(fc.array(fc.array(writtenArb, { maxLength: 12 }), { minLength: 1, maxLength: 6 }), fc.constantFrom(1, 16, 1024), (outputs, slab) => {
      const writer = new MsgpackWriter(slab);
      const handed: { out: Buffer; expected: Buffer }[] = [];
      for (const values of outputs) {
        writer.begin();
        for (const v of values) write(writer, v);
        handed.push({ out: writer.finish(), expected: Buffer.concat(values.map(msgpackrBytes)) });
      }
      for (const { out, expected } of handed) expect(out.equals(expected)).toBe(true);
    }), params(300));
  });

  it('strings whose UTF-8 needs a bigger header than their length suggests', () => {
    for (const s of ['é'.repeat(16), 'é'.repeat(31), '€'.repeat(31), '€'.repeat(86), '€'.repeat(200), '😀'.repeat(20), '€'.repeat(0x5556), 'a'.repeat(0x10000)]) {
      const writer = new MsgpackWriter(8);
      writer.begin();
      writer.string(s);
      expect(writer.finish().equals(encodeFrame(s).subarray(4))).toBe(true);
    }
  });
});
