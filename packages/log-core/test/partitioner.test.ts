import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKlogError } from '../src/errors.js';
import { Partitioner, partitionForKey } from '../src/partitioner.js';

describe('partitionForKey', () => {
  it('places keys where the Kafka Java client does: toPositive(murmur2(key)) % n', () => {
    // murmur2("21") = -973932308 -> 1173551340; "foobar" -> 1357151166; "a-little-bit-long-string" -> 1161502112
    expect(partitionForKey(Buffer.from('21'), 7)).toBe(3);
    expect(partitionForKey(Buffer.from('21'), 10)).toBe(0);
    expect(partitionForKey(Buffer.from('foobar'), 10)).toBe(6);
    expect(partitionForKey(Buffer.from('a-little-bit-long-string'), 3)).toBe(2);
    expect(partitionForKey(Buffer.from('abc'), 10)).toBe(7);
  });

  it('is always a valid partition, and the same one for the same key', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 32 }), fc.integer({ min: 1, max: 1000 }), (bytes, n) => {
        const p = partitionForKey(Buffer.from(bytes), n);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(n);
        expect(partitionForKey(Buffer.from(bytes), n)).toBe(p);
      }),
    );
  });

  it('refuses a partition count that is not a positive integer', () => {
    for (const n of [0, -1, 1.5, Number.NaN]) {
      let err: unknown;
      try {
        partitionForKey(Buffer.from('k'), n);
      } catch (e) {
        err = e;
      }
      expect(isKlogError(err, 'INVALID_CONFIG')).toBe(true);
    }
  });
});

describe('Partitioner', () => {
  it('sends keyed records by key, whatever the batch', () => {
    const p = new Partitioner(0);
    const key = Buffer.from('foobar');
    expect(p.partition(key, 10)).toBe(6);
    p.nextBatch();
    expect(p.partition(key, 10)).toBe(6);
  });

  it('keeps keyless records on one partition within a batch, then moves round robin', () => {
    const p = new Partitioner(0);
    const seen: number[] = [];
    for (let batch = 0; batch < 7; batch++) {
      const inBatch = [p.partition(null, 3), p.partition(undefined, 3), p.partition(null, 3)];
      expect(new Set(inBatch).size).toBe(1);
      seen.push(inBatch[0]);
      p.nextBatch();
    }
    expect(seen).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it('treats an empty key as a key, as Kafka does', () => {
    const p = new Partitioner(1);
    expect(p.partition(Buffer.alloc(0), 1000)).toBe(partitionForKey(Buffer.alloc(0), 1000));
  });

  it('stays within range when the partition count changes', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }), (start, counts) => {
        const p = new Partitioner(start);
        for (const n of counts) {
          const q = p.partition(null, n);
          expect(q >= 0 && q < n).toBe(true);
          p.nextBatch();
        }
      }),
    );
  });

  it('starts keyless records on a random partition by default', () => {
    const firsts = new Set(Array.from({ length: 200 }, () => new Partitioner().partition(null, 4)));
    expect(firsts.size).toBeGreaterThan(1);
  });
});
