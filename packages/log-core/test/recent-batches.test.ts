import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentBatches } from '../src/recent-batches.js';

/** The model: every batch ever remembered (base offset, position), in file order. */
interface Batch {
  base: number;
  position: number;
}

describe('RecentBatches', () => {
  it('gives the position of the last batch at or before an offset among the last `capacity` batches, else -1 (against a model)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 8 }),
      fc.array(fc.oneof(
        fc.record({ kind: fc.constant('append' as const), records: fc.integer({ min: 1, max: 5 }), bytes: fc.integer({ min: 61, max: 500 }) }),
        fc.record({ kind: fc.constant('truncate' as const), back: fc.integer({ min: 0, max: 3 }) }),
        fc.record({ kind: fc.constant('clear' as const) }),
      ), { maxLength: 60 }),
      fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 10 }),
      (capacity, ops, probes) => {
        const ring = new RecentBatches(capacity);
        let kept: Batch[] = []; // what the ring should know: the last `capacity` batches remembered, not cut or cleared
        let nextBase = 0;
        let size = 0;
        for (const op of ops) {
          if (op.kind === 'append') {
            ring.remember(nextBase, size);
            kept.push({ base: nextBase, position: size });
            if (kept.length > capacity) kept.shift(); // forgotten for good: a cut does not bring it back
            nextBase += op.records;
            size += op.bytes;
          } else if (op.kind === 'truncate') {
            // Cut the file back to the start of one of the last batches (what a failed write leaves).
            const cutAt = kept.length > op.back ? kept[kept.length - 1 - op.back]!.position : size;
            ring.dropFrom(cutAt);
            kept = kept.filter((b) => b.position < cutAt);
            size = cutAt;
            if (kept.length > 0) nextBase = kept[kept.length - 1]!.base + 1;
          } else {
            ring.clear();
            kept = [];
          }
          for (const offset of probes) {
            const at = [...kept].reverse().find((b) => b.base <= offset);
            expect(ring.positionFor(offset)).toBe(at === undefined ? -1 : at.position);
          }
        }
      },
    ), { numRuns: 300 }); // a failure prints fast-check's seed and path, which replay it
  });
});
