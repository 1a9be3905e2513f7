import fc from 'fast-check';
import { expect, it } from 'vitest';
import { OffsetSlots } from '../src/offset-slots.js';
import { replayable } from './helpers.js';

type Op =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'delete'; at: number }
  | { kind: 'drop'; by: number }
  | { kind: 'clear'; at: number };

/** Offsets near the current front: most ops land in the window, some before it or far past it. */
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.integer({ min: -3, max: 40 }), value: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.integer({ min: -3, max: 40 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), by: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1000, max: 3000 })) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const), at: fc.integer({ min: -50, max: 50 }) }) },
);

it('OffsetSlots holds what a Map would, under any sequence of sets, deletes, drops from the front and clears', () => {
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 1, maxLength: 200 }), (ops) => {
      const slots = new OffsetSlots<number>();
      // The same operations on slots whose empty value is a number (as a share partition keeps timestamps): each
      // offset reads as the Map's value, or as -1 or undefined where the Map has none.
      const numeric = new OffsetSlots<number>(-1);
      const model = new Map<number, number>();
      let front = 0;
      for (const op of ops) {
        switch (op.kind) {
          case 'set':
            slots.set(front + op.at, op.value);
            numeric.set(front + op.at, op.value);
            model.set(front + op.at, op.value);
            break;
          case 'delete':
            slots.delete(front + op.at);
            numeric.delete(front + op.at);
            model.delete(front + op.at);
            break;
          case 'drop':
            front += op.by;
            slots.dropBefore(front);
            numeric.dropBefore(front);
            for (const k of [...model.keys()]) if (k < front) model.delete(k);
            break;
          case 'clear':
            front = Math.max(0, front + op.at);
            slots.clear(front);
            numeric.clear(front);
            model.clear();
            break;
        }
        for (let o = front - 5; o < front + 45; o++) {
          expect(slots.get(o), `offset ${o}`).toBe(model.get(o));
          expect(numeric.get(o) ?? -1, `numeric offset ${o}`).toBe(model.get(o) ?? -1);
        }
        for (const [k, v] of model) expect(slots.get(k)).toBe(v);
        for (const [k, v] of model) expect(numeric.get(k)).toBe(v);
      }
    }),
    replayable('offset slots vs map', 300),
  );
});

it('a value set below the front after a drop is dropped by the next drop past it (found by the property above)', () => {
  const slots = new OffsetSlots<number>();
  slots.set(0, 0);
  slots.set(1, 0);
  slots.dropBefore(1);
  slots.set(0, 7);
  expect(slots.get(0)).toBe(7);
  slots.dropBefore(1);
  expect(slots.get(0)).toBeUndefined();
  expect(slots.get(1)).toBe(0);
});
