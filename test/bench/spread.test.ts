import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spreadOf } from '../../bench/src/spread.js';

/** The model: sort the finite values; the median is the middle one, or the mean of the two middle ones. */
function model(values: number[]): { median: number; min: number; max: number; count: number } {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, count: 0 };
  const mid = Math.floor(finite.length / 2);
  const median = finite.length % 2 === 1 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
  return { median, min: Math.min(...finite), max: Math.max(...finite), count: finite.length };
}

const figure = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -1e9, max: 1e9, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
);

describe('spreadOf (median and min–max of a case over its runs)', () => {
  it('agrees with a sort-and-pick model, whatever the order and however many values are not finite', () => {
    fc.assert(
      fc.property(fc.array(figure, { maxLength: 25 }), (values) => {
        expect(spreadOf(values)).toEqual(model(values));
      }),
    );
  });

  it('keeps min ≤ median ≤ max, and does not depend on the order of the runs', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e7, noNaN: true }), { minLength: 1, maxLength: 15 }), fc.infiniteStream(fc.nat()), (values, picks) => {
        const s = spreadOf(values);
        expect(s.min).toBeLessThanOrEqual(s.median);
        expect(s.median).toBeLessThanOrEqual(s.max);
        const shuffled = [...values];
        const it = picks[Symbol.iterator]();
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = (it.next().value as number) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        expect(spreadOf(shuffled)).toEqual(s);
      }),
    );
  });

  it('gives the middle run of three, the mean of the middle two of four, and nothing of none', () => {
    expect(spreadOf([300, 100, 200])).toEqual({ median: 200, min: 100, max: 300, count: 3 });
    expect(spreadOf([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, count: 4 });
    expect(spreadOf([Number.NaN]).count).toBe(0);
    expect(spreadOf([])).toMatchObject({ count: 0 });
  });
});
