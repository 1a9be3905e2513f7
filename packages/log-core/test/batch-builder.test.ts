import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchBuilder } from '../src/batch/batch-builder.js';
import { decodeBatch, encodeBatch, validateBatch } from '../src/batch/record-batch.js';
import { COMPRESSIONS } from '../src/compression/codecs.js';
import { isKlogError } from '../src/errors.js';
import type { RecordInput } from '../src/types.js';

const bytesArb = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));
const recordArb: fc.Arbitrary<Required<Pick<RecordInput, 'value' | 'timestamp'>> & RecordInput> = fc.record(
  {
    key: fc.option(bytesArb, { nil: undefined }).chain((k) => fc.constantFrom(k, null)),
    value: fc.option(bytesArb, { nil: null }),
    timestamp: fc.integer({ min: -(2 ** 50), max: 2 ** 50 }),
    headers: fc.option(
      fc.array(fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 8 }), value: fc.option(bytesArb, { nil: null }) }), { maxLength: 3 }),
      { nil: undefined },
    ),
  },
  { requiredKeys: ['value', 'timestamp'] },
);
const stampArb = fc.record({
  baseOffset: fc.integer({ min: 0, max: 2 ** 52 }),
  producerId: fc.integer({ min: -1, max: 2 ** 52 }),
  producerEpoch: fc.integer({ min: -1, max: 32767 }),
  baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
});

function build(records: RecordInput[], compression: (typeof COMPRESSIONS)[number], capacity: number): BatchBuilder {
  const builder = new BatchBuilder(compression, capacity);
  for (const r of records) builder.append(r.key, r.value, r.timestamp!, r.headers);
  return builder;
}

describe('BatchBuilder', () => {
  it('gives the bytes encodeBatch gives for the same records, stamp and compression, at any starting capacity', () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { minLength: 1, maxLength: 40 }),
        fc.constantFrom(...COMPRESSIONS),
        stampArb,
        fc.integer({ min: 0, max: 4096 }),
        (records, compression, stamp, capacity) => {
          const built = build(records, compression, capacity).finish(stamp);
          const encoded = encodeBatch(records, { compression, ...stamp });
          expect(built.equals(encoded)).toBe(true);
          validateBatch(built);
          expect(decodeBatch(built).records.map((r) => r.value)).toEqual(records.map((r) => r.value));
        },
      ),
    );
  });

  it('re-stamped with other producer fields, matches a fresh encoding with them', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 20 }), fc.constantFrom(...COMPRESSIONS), stampArb, stampArb, (records, compression, first, second) => {
        const builder = build(records, compression, 64);
        builder.finish(first);
        expect(builder.finish(second).equals(encodeBatch(records, { compression, ...second }))).toBe(true);
      }),
    );
  });

  it('refuses a bad record without appending it, and appending after finish', () => {
    const builder = new BatchBuilder();
    builder.append(null, Buffer.from('a'), 1000);
    expect(() => builder.append(null, 'b' as unknown as Buffer, 1000)).toThrow(expect.objectContaining({ code: 'INVALID_RECORD' }));
    expect(() => builder.append(null, Buffer.from('b'), 1.5)).toThrow(expect.objectContaining({ code: 'INVALID_RECORD' }));
    expect(builder.recordCount).toBe(1);
    expect(builder.finish().equals(encodeBatch([{ key: null, value: Buffer.from('a'), timestamp: 1000 }]))).toBe(true);
    let err: unknown;
    try {
      builder.append(null, Buffer.from('c'), 1000);
    } catch (e) {
      err = e;
    }
    expect(isKlogError(err, 'INVALID_BATCH')).toBe(true);
    expect(() => new BatchBuilder().finish()).toThrow(expect.objectContaining({ code: 'INVALID_RECORD' }));
  });
});
