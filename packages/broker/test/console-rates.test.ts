// The console's rate arithmetic (console/app/rates.js), run under Node: it has no browser dependencies.
import { describe, expect, it } from 'vitest';
import { rateBetween, RateHistory } from '../console/app/rates.js';

const sample = (time: number, producedRecords: number, producedBytes = 0, fetchedRecords = 0, fetchedBytes = 0) =>
  ({ time, producedRecords, producedBytes, fetchedRecords, fetchedBytes, connections: 1 });

describe('rateBetween', () => {
  it('divides the growth of each counter by the seconds between samples', () => {
    expect(rateBetween(sample(1_000, 100, 1_000_000, 10, 0), sample(3_000, 300, 5_000_000, 50, 2_000_000))).toEqual({
      time: 3_000, producedRecords: 100, producedMB: 2, fetchedRecords: 20, fetchedMB: 1,
    });
  });

  it('gives no rate when time did not advance or a counter went backwards (a restarted broker)', () => {
    expect(rateBetween(sample(1_000, 5), sample(1_000, 9))).toBeNull();
    expect(rateBetween(sample(1_000, 500), sample(2_000, 3))).toBeNull();
  });
});

describe('RateHistory', () => {
  it('keeps the newest rates up to its capacity, oldest first, as uPlot columns in seconds', () => {
    const h = new RateHistory(2);
    for (let i = 0; i <= 3; i++) h.push(sample(i * 1_000, i * 10));
    expect(h.columns()).toEqual({
      time: [2, 3], producedRecords: [10, 10], fetchedRecords: [0, 0], producedMB: [0, 0], fetchedMB: [0, 0],
    });
  });

  it('skips the gap over a restart and carries on from the new counters', () => {
    const h = new RateHistory(10);
    [sample(0, 100), sample(1_000, 110), sample(2_000, 4), sample(3_000, 24)].forEach((s) => h.push(s));
    expect(h.columns().producedRecords).toEqual([10, 20]);
  });
});
