// The five-field cron parser: examples, refusals, and a property against a brute-force minute-by-minute scan.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cronMatches, nextCronTick, parseCron, parseInterval } from '@klog/tasks';
import { propertyParameters } from '../reliability/fuzz-seed.js';

const at = (iso: string) => Date.parse(iso);

describe('cron', () => {
  it('finds the next tick of common schedules (UTC)', () => {
    expect(nextCronTick(parseCron('0 3 * * *'), at('2030-01-01T03:00:00Z'))).toBe(at('2030-01-02T03:00:00Z'));
    expect(nextCronTick(parseCron('*/15 * * * *'), at('2030-01-01T10:07:30Z'))).toBe(at('2030-01-01T10:15:00Z'));
    expect(nextCronTick(parseCron('0 9-17/4 * * 1-5'), at('2030-01-04T13:00:00Z'))).toBe(at('2030-01-04T17:00:00Z')); // a Friday
    expect(nextCronTick(parseCron('0 9-17/4 * * 1-5'), at('2030-01-04T17:00:00Z'))).toBe(at('2030-01-07T09:00:00Z')); // to Monday
    expect(nextCronTick(parseCron('30 0 1,15 * *'), at('2030-02-15T00:30:00Z'))).toBe(at('2030-03-01T00:30:00Z'));
    expect(nextCronTick(parseCron('0 0 29 2 *'), at('2030-01-01T00:00:00Z'))).toBe(at('2032-02-29T00:00:00Z'));
    expect(nextCronTick(parseCron('0 0 * * 7'), at('2030-01-01T00:00:00Z'))).toBe(at('2030-01-06T00:00:00Z')); // 7 = Sunday
    // Both day fields restricted: either matches (Vixie cron).
    expect(nextCronTick(parseCron('0 0 13 * 5'), at('2030-01-01T00:00:00Z'))).toBe(at('2030-01-04T00:00:00Z'));
    expect(nextCronTick(parseCron('0 0 30 2 *'), 0)).toBeUndefined();
  });

  it('refuses what is not five valid fields, saying why', () => {
    expect(() => parseCron('* * * *')).toThrow(/4 field\(s\), cron needs 5/);
    expect(() => parseCron('60 * * * *')).toThrow(/minute 60 is outside 0-59/);
    expect(() => parseCron('* * * * mon')).toThrow(/day of week field "mon"/);
    expect(() => parseCron('*/0 * * * *')).toThrow(/step must be at least 1/);
    expect(() => parseCron('5-1 * * * *')).toThrow(/runs backwards/);
  });

  it('intervals', () => {
    expect(parseInterval('5m')).toBe(300_000);
    expect(parseInterval('500ms')).toBe(500);
    expect(parseInterval(1_000)).toBe(1_000);
    expect(() => parseInterval('5 minutes')).toThrow(/30s, 5m/);
    expect(() => parseInterval('0s')).toThrow();
  });

  const field = (min: number, max: number) => fc.oneof(
    fc.constant('*'),
    fc.integer({ min, max }).map(String),
    fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.integer({ min: 1, max: max - min + 1 }).map((s) => `*/${s}`),
    fc.tuple(fc.integer({ min, max }), fc.integer({ min, max }), fc.integer({ min: 1, max: 10 })).map(([a, b, s]) => `${Math.min(a, b)}-${Math.max(a, b)}/${s}`),
  );
  const cronText = fc.tuple(
    fc.array(field(0, 59), { minLength: 1, maxLength: 3 }).map((xs) => xs.join(',')),
    fc.array(field(0, 23), { minLength: 1, maxLength: 2 }).map((xs) => xs.join(',')),
    field(1, 31), field(1, 12), field(0, 7),
  ).map((fs) => fs.join(' '));

  const params = propertyParameters(150);

  it('property: the next tick matches, and no minute between is a tick (brute force, within 60 days)', () => {
    console.log(`cron property: seed ${params.seed} (replay: KLOG_FUZZ_SEED=${params.seed} npx vitest run test/tasks/cron.test.ts)`);
    fc.assert(fc.property(cronText, fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) }), (text, after) => {
      const c = parseCron(text);
      const next = nextCronTick(c, after);
      const horizon = Math.floor(after / 60_000) * 60_000 + 60 * 86_400_000;
      for (let m = Math.floor(after / 60_000) * 60_000 + 60_000; m <= horizon && (next === undefined || m < next); m += 60_000) {
        if (cronMatches(c, m)) return false; // a tick was skipped
      }
      return next === undefined ? true : next > after && next % 60_000 === 0 && cronMatches(c, next);
    }), params);
  });
});
