import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { decodeBody, encodeFrame, FRAME_HEADER_BYTES, FrameReader } from '../src/frame-codec.js';

const messageArb = fc.record({
  correlationId: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  api: fc.string({ maxLength: 12 }),
  // Sizes around msgpack's bin8/16/32 limits and past the Packr's starting 8 KiB buffer, which it then outgrows.
  records: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 60_000, max: 70_000 }), fc.integer({ min: 8_000, max: 200_000 }))
    .map((n) => Buffer.alloc(n, n & 0xff)),
});

/** The frame as the codec wrote it before frames were written in place: length, then a separate msgpack encoding. */
const reference = new Packr({ useRecords: false, moreTypes: false, int64AsType: 'number' });
function referenceFrame(message: unknown): Buffer {
  const body = reference.pack(message);
  const head = Buffer.alloc(FRAME_HEADER_BYTES);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

describe('encodeFrame', () => {
  it('writes the same bytes as length + msgpack, and a frame stays intact while later frames are encoded', () => {
    fc.assert(
      fc.property(fc.array(messageArb, { minLength: 1, maxLength: 12 }), (messages) => {
        const frames = messages.map((m) => encodeFrame(m));
        const expected = messages.map(referenceFrame);
        frames.forEach((f, i) => expect(f.equals(expected[i])).toBe(true));
        const reader = new FrameReader(1 << 24);
        const bodies = reader.push(Buffer.concat(frames));
        expect(bodies).toHaveLength(messages.length);
        bodies.forEach((b, i) => expect(Buffer.from((decodeBody(b) as { records: Uint8Array }).records).equals(messages[i].records)).toBe(true));
      }),
      { numRuns: 30 },
    );
  });
});

describe('FrameReader', () => {
  const framed = (body: Buffer): Buffer => {
    const head = Buffer.alloc(FRAME_HEADER_BYTES);
    head.writeUInt32BE(body.length, 0);
    return Buffer.concat([head, body]);
  };

  it('returns the frames before an oversized length however the bytes are split, then sets tooLarge and reads nothing more', () => {
    const max = 64;
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a)), { maxLength: 6 }),
        fc.integer({ min: max + 1, max: 2 ** 32 - 1 }),
        fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }),
        (bodies, declared, after, cuts) => {
          const head = Buffer.alloc(FRAME_HEADER_BYTES);
          head.writeUInt32BE(declared, 0);
          const stream = Buffer.concat([...bodies.map(framed), head, after]);
          const reader = new FrameReader(max);
          const got: Buffer[] = [];
          for (let at = 0, i = 0; at < stream.length; i++) {
            const next = Math.min(stream.length, at + cuts[i % cuts.length]);
            got.push(...reader.push(stream.subarray(at, next)));
            at = next;
          }
          expect(got.map((b) => b.toString('hex'))).toEqual(bodies.map((b) => b.toString('hex')));
          expect(reader.tooLarge?.declared).toBe(declared);
          expect(reader.push(framed(Buffer.from('later')))).toEqual([]);
          expect(reader.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
