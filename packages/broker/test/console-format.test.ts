// The console's number, size, duration and instant formats (console/app/format.js), run under Node.
import { describe, expect, it } from 'vitest';
import { bytes, count, duration, instant, parseInstant, retention } from '../console/app/format.js';

describe('console formats', () => {
  it('groups thousands the same way in every locale', () => {
    expect(count(1234)).toBe('1,234');
    expect(count(null)).toBe('–');
  });

  it('sizes in decimal units with one decimal', () => {
    expect(bytes(999)).toBe('999 B');
    expect(bytes(1_500)).toBe('1.5 KB');
    expect(bytes(81_000_000_000)).toBe('81 GB');
  });

  it('durations in their two largest units; negative retention is forever', () => {
    expect(duration(800)).toBe('800 ms');
    expect(duration(3_723_000)).toBe('1 h 2 min');
    expect(duration(86_400_000 + 5_000)).toBe('1 d');
    expect(retention(604_800_000)).toBe('7 d');
    expect(retention(-1)).toBe('forever');
  });

  it('reads epoch milliseconds or a date-time, and writes instants it can read back', () => {
    expect(parseInstant(' 1700000000123 ')).toBe(1_700_000_000_123);
    expect(parseInstant('2026-11-30T06:12:03Z')).toBe(Date.UTC(2026, 10, 30, 6, 12, 3));
    expect(parseInstant('not a time')).toBeNull();
    const t = 1_764_483_123_456;
    expect(parseInstant(instant(t))).toBe(t);
  });
});
