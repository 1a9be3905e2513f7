// The console's lag history (console/app/lag-history.js), run under Node: it has no browser dependencies.
import { describe, expect, it } from 'vitest';
import { LagHistory } from '../console/app/lag-history.js';

describe('LagHistory', () => {
  it('keeps the last samples of each group, in seconds, oldest first', () => {
    const h = new LagHistory(3);
    for (let i = 1; i <= 5; i++) h.push({ time: i * 1_000, lag: { a: i * 10, b: 7 } });
    expect(h.columns('a')).toEqual({ time: [3, 4, 5], lag: [30, 40, 50] });
    expect(h.columns('b').lag).toEqual([7, 7, 7]);
    expect(h.columns('nobody')).toEqual({ time: [], lag: [] });
  });

  it('adds no point for a group missing from a sample, rather than a drop to zero', () => {
    const h = new LagHistory(10);
    h.push({ time: 1_000, lag: { a: 5 } });
    h.push({ time: 2_000, lag: {} });
    expect(h.columns('a')).toEqual({ time: [1], lag: [5] });
  });
});
