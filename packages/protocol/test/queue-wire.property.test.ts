// The compact queue messages (shareFetch v2, shareAcknowledge v1) against their plain forms: any acks survive the
// trip through ranges in the same order, any deliveries the trip through record groups, and the refused acks the
// trip through failures-only answers; older versions read back the same in-memory values. Failing runs print
// their seed (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeBody, decodeRequest, decodeResponse, encodeRequest, encodeResponse, FrameReader, fromAckRanges, groupDeliveries, KlogError,
  MAX_ACKS_PER_RANGED_REQUEST, SHARE_RECORD, shareRecordHeaders, splitRequest, splitResponse, toAckRanges,
  type DeliveredRecord, type ShareAck, type ShareAckOutcome,
} from '../src/index.js';

function body(frame: Buffer): Record<string, unknown> {
  const frames = new FrameReader(1 << 24).push(frame);
  expect(frames).toHaveLength(1);
  return decodeBody(frames[0]) as Record<string, unknown>;
}

function requestTrip(acks: ShareAck[], version: number): ShareAck[] {
  const split = splitRequest(body(encodeRequest('shareAcknowledge', version, 1, { queue: 'q', memberId: 'm', acks })));
  if ('problem' in split) throw new Error(split.problem);
  return decodeRequest('shareAcknowledge', version, split.body).acks;
}

const rarelyPresent = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 7 }, { arbitrary: arb, weight: 1 });
const rarelyAbsent = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: arb, weight: 7 });

/**
 * Acks as a member makes them: each next to the one before it mostly (the next offset, the same partition and type),
 * so that runs form and every reason to end one (another type, delivery count, partition, offset, an extra) occurs.
 */
const stepArb = fc.record({
  move: fc.constantFrom('next', 'next', 'next', 'same', 'skip', 'back', 'far'),
  otherPartition: fc.boolean(),
  topic: fc.constantFrom('jobs', 'jobs', 'jobs', 'urgent'),
  type: fc.constantFrom('accept', 'accept', 'accept', 'release', 'reject', 'renew'),
  deliveryCount: rarelyAbsent(fc.constantFrom(1, 1, 1, 2)),
  delayMs: rarelyPresent(fc.integer({ min: 0, max: 10_000 })),
  reason: rarelyPresent(fc.string({ maxLength: 8 })),
  far: fc.integer({ min: 0, max: 2 ** 52 }), // room for the steps after it: offsets stay safe integers
});

const acksArb = fc.array(stepArb, { maxLength: 80 }).map((steps) => {
  let offset = 0;
  let partition = 0;
  return steps.map((s): ShareAck => {
    offset = s.move === 'next' ? offset + 1 : s.move === 'skip' ? offset + 2 : s.move === 'back' ? Math.max(0, offset - 1) : s.move === 'far' ? s.far : offset;
    if (s.otherPartition && s.move !== 'next') partition = 1 - partition;
    const ack: ShareAck = { topic: s.topic, partition, offset, type: s.type };
    if (s.deliveryCount !== undefined) ack.deliveryCount = s.deliveryCount;
    if (s.delayMs !== undefined) ack.delayMs = s.delayMs;
    if (s.reason !== undefined) ack.reason = s.reason;
    return ack;
  });
});

/** Runs of consecutive accepts, as a pool of handlers finishing in order makes them. */
const runArb = fc.record({ start: fc.integer({ min: 0, max: 1_000_000 }), length: fc.integer({ min: 1, max: 40 }), deliveryCount: fc.integer({ min: 1, max: 2 }) })
  .map(({ start, length, deliveryCount }) => Array.from({ length }, (_, i): ShareAck => ({ topic: 'jobs', partition: 0, offset: start + i, type: 'accept', deliveryCount })));

/** What toEqual would not see: a key present with the value undefined is the same as no key. */
const plain = (acks: ShareAck[]): ShareAck[] => acks.map((a) => JSON.parse(JSON.stringify(a)) as ShareAck);

describe('acks as ranges', () => {
  it('any list of acks -> ranges -> the same acks, in order (and the same through the old list form)', () => {
    fc.assert(fc.property(acksArb, (acks) => {
      expect(plain(fromAckRanges(toAckRanges(acks), 'acks'))).toEqual(plain(acks));
      expect(plain(requestTrip(acks, 1))).toEqual(plain(acks));
      expect(plain(requestTrip(acks, 0))).toEqual(plain(acks));
    }), { numRuns: 300 });
  });

  it('makes one range of a run of accepts, and never more ranges than acks', () => {
    fc.assert(fc.property(runArb, acksArb, (run, acks) => {
      expect(toAckRanges(run).flatMap((g) => g.ranges)).toEqual([[run[0].offset, run[run.length - 1].offset, 'accept', run[0].deliveryCount]]);
      expect(toAckRanges(acks).reduce((n, g) => n + g.ranges.length, 0)).toBeLessThanOrEqual(acks.length);
    }));
  });

  it('refuses ranges that stand for too many acks, or a delay or reason over several offsets', () => {
    const read = (ranges: unknown[]): unknown => fromAckRanges([{ topic: 't', partition: 0, ranges }], 'acks');
    expect(() => read([[0, MAX_ACKS_PER_RANGED_REQUEST, 'accept']])).toThrow(KlogError);
    expect(() => read([[0, 1e15, 'accept']])).toThrow(/more than/);
    expect(() => read([[3, 4, 'release', 1, 100]])).toThrow(/single offset/);
    expect(() => read([[5, 4, 'accept']])).toThrow(/between 5/);
    expect(() => read([[1, 1, 'ack']])).toThrow(/must be one of/);
    expect(() => read([[1, 1]])).toThrow(/firstOffset, lastOffset, type/);
    expect(read([[0, MAX_ACKS_PER_RANGED_REQUEST - 1, 'accept']])).toHaveLength(MAX_ACKS_PER_RANGED_REQUEST);
  });
});

const bytesArb = fc.option(fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b)), { nil: null });
const deliveryArb: fc.Arbitrary<DeliveredRecord> = fc.record({
  topic: fc.constantFrom('jobs', 'urgent'),
  partition: fc.integer({ min: 0, max: 1 }),
  deliveryCount: fc.integer({ min: 1, max: 5 }),
  lockUntil: fc.constantFrom(1_700_000_030_000, 1_700_000_030_001),
  record: fc.record({
    offset: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
    timestamp: fc.oneof(fc.constant(1_700_000_000_000), fc.integer({ min: -1, max: 2 ** 45 })),
    key: bytesArb,
    value: bytesArb,
    headers: fc.array(fc.record({ key: fc.string({ maxLength: 4 }), value: bytesArb }), { maxLength: 3 }),
  }),
});

/** The deliveries a group list stands for, in order. */
function expand(groups: ReturnType<typeof groupDeliveries>): DeliveredRecord[] {
  return groups.flatMap((g) => Array.from({ length: g.records.length / SHARE_RECORD.stride }, (_, i) => {
    const r = g.records.slice(i * SHARE_RECORD.stride, (i + 1) * SHARE_RECORD.stride);
    return {
      topic: g.topic, partition: g.partition, deliveryCount: r[SHARE_RECORD.deliveryCount] as number, lockUntil: g.lockUntil,
      record: {
        offset: r[SHARE_RECORD.offset] as number, timestamp: r[SHARE_RECORD.timestamp] as number, key: r[SHARE_RECORD.key] as Buffer | null,
        value: r[SHARE_RECORD.value] as Buffer | null, headers: shareRecordHeaders(r[SHARE_RECORD.headers]),
      },
    };
  }));
}

function responseTrip(res: { records: ReturnType<typeof groupDeliveries>; ackResults: ShareAckOutcome }, version: number) {
  const split = splitResponse(body(encodeResponse('shareFetch', version, 1, res)));
  return decodeResponse('shareFetch', version, split!.body);
}

describe('records grouped', () => {
  it('any deliveries -> groups -> the wire (v2, v1, v0) -> the same deliveries, in order', () => {
    fc.assert(fc.property(fc.array(deliveryArb, { maxLength: 40 }), (deliveries) => {
      const groups = groupDeliveries(deliveries);
      expect(expand(groups)).toEqual(deliveries);
      for (const version of [0, 1, 2]) {
        expect(responseTrip({ records: groups, ackResults: { acks: [], failures: [] } }, version).records).toEqual(groups);
      }
    }), { numRuns: 200 });
  });

  it('shares one group among the records of a partition with one lock deadline', () => {
    const d = (offset: number): DeliveredRecord => ({
      topic: 't', partition: 0, deliveryCount: 1, lockUntil: 9, record: { offset, timestamp: 5, key: null, value: null, headers: [] },
    });
    expect(groupDeliveries([d(1), d(2), d(3)])).toEqual([{ topic: 't', partition: 0, lockUntil: 9, records: [1, 5, null, null, 1, null, 2, 5, null, null, 1, null, 3, 5, null, null, 1, null] }]);
  });
});

describe('ack answers', () => {
  it('any refusals -> the wire (failures only from v2, one per ack below) -> the same refusals', () => {
    fc.assert(fc.property(acksArb, fc.infiniteStream(fc.boolean()), (acks, refuse) => {
      const failures = acks.flatMap((a, index) => (refuse.next().value
        ? [{ index, topic: a.topic, partition: a.partition, offset: a.offset, errorCode: 'LOCK_LOST' as const, errorMessage: `lost ${index}` }] : []));
      const outcome = { acks, failures };
      expect(responseTrip({ records: [], ackResults: outcome }, 2).ackResults).toEqual({ failures });
      const v1 = responseTrip({ records: [], ackResults: outcome }, 1).ackResults!;
      expect(v1.failures).toEqual(failures);
      expect(v1.acks).toEqual(acks.map((a) => ({ topic: a.topic, partition: a.partition, offset: a.offset })));
    }), { numRuns: 200 });
  });
});
