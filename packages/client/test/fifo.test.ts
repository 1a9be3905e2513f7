import { describe, expect, it } from 'vitest';
import { Fifo } from '../src/fifo.js';

describe('Fifo', () => {
  it('hands items out in the order they were pushed, across wrap-around and growth', () => {
    const q = new Fifo<number>();
    const expected: number[] = [];
    let next = 0;
    // Interleave pushes and shifts so the ring wraps many times and grows several times.
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < round % 37; i++) {
        q.push(next);
        expected.push(next++);
      }
      for (let i = 0; i < round % 23 && expected.length > 0; i++) expect(q.shift()).toBe(expected.shift());
      expect(q.size).toBe(expected.length);
      expect(q.peek()).toBe(expected[0]);
    }
    while (expected.length > 0) expect(q.shift()).toBe(expected.shift());
    expect(q.size).toBe(0);
  });

  it('returns undefined from shift and peek when empty', () => {
    const q = new Fifo<string>();
    expect(q.shift()).toBeUndefined();
    expect(q.peek()).toBeUndefined();
    q.push('a');
    expect(q.shift()).toBe('a');
    expect(q.shift()).toBeUndefined();
  });
});
