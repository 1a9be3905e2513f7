import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKlogError } from '@klog/log-core';
import { pacedRedrive, type PacingClock } from '../src/redrive-pacing.js';
import { propertyParameters } from '../../../test/reliability/fuzz-seed.js';

/** A clock whose sleeps take no real time: each one moves it on by what was asked. */
class SteppingClock implements PacingClock {
  current = 1_000_000;
  now(): number {
    return this.current;
  }
  async sleep(ms: number): Promise<void> {
    if (ms > 0) this.current += ms;
  }
}

/** `available` dead letters; each step moves what it may and notes when it ran and how many were moved before. */
function deadLetters(clock: PacingClock, available: number) {
  const steps: { at: number; before: number; asked: number }[] = [];
  let moved = 0;
  const step = async (max: number): Promise<number> => {
    steps.push({ at: clock.now(), before: moved, asked: max });
    const n = Math.min(max, available - moved);
    moved += n;
    return n;
  };
  return { steps, step };
}

describe('pacedRedrive', () => {
  it('moves rate / 10 records a step, one step each tenth of a second, until there are none', async () => {
    const clock = new SteppingClock();
    const start = clock.now();
    const { steps, step } = deadLetters(clock, 35);
    expect(await pacedRedrive(step, { ratePerSec: 100, clock })).toBe(35);
    expect(steps.map((s) => [s.at - start, s.asked])).toEqual([[0, 10], [100, 10], [200, 10], [300, 10]]);
  });

  it('stops at max, and does not sleep after the last step', async () => {
    const clock = new SteppingClock();
    const start = clock.now();
    const { steps, step } = deadLetters(clock, 1_000);
    expect(await pacedRedrive(step, { ratePerSec: 5, max: 3, clock })).toBe(3);
    // 5 a second: one record a step, a fifth of a second apart.
    expect(steps.map((s) => s.at - start)).toEqual([0, 200, 400]);
    expect(clock.now() - start).toBe(400);
  });

  it('never runs ahead of the rate, whatever the rate, max and backlog (property)', async () => {
    const params = propertyParameters(200);
    console.log(`redrive pacing: seed ${params.seed} (replay: KLOG_FUZZ_SEED=${params.seed} npx vitest run packages/protocol/test/redrive-pacing.test.ts)`);
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 0, max: 3_000 }), fc.option(fc.integer({ min: 0, max: 3_000 }), { nil: undefined }),
      async (ratePerSec, available, max) => {
        const clock = new SteppingClock();
        const start = clock.now();
        const { steps, step } = deadLetters(clock, available);
        const moved = await pacedRedrive(step, { ratePerSec, max, clock });
        expect(moved).toBe(Math.min(available, max ?? Infinity));
        for (const s of steps) {
          // A step starts only once the records moved before it are due at the rate (1 ms of rounding allowed).
          expect(s.at - start).toBeGreaterThanOrEqual((s.before * 1000) / ratePerSec - 1);
          expect(s.asked).toBeLessThanOrEqual(Math.max(1, Math.ceil(ratePerSec / 10)));
        }
        // ... and it is not slower than the rate either: the last step starts when its records are due.
        const last = steps.at(-1);
        if (last !== undefined) expect(last.at - start).toBeLessThanOrEqual((last.before * 1000) / ratePerSec + 1);
      },
    ), params);
  });

  it('stops between steps when its signal aborts, keeping what was moved', async () => {
    const clock = new SteppingClock();
    const ac = new AbortController();
    const { step } = deadLetters(clock, 100);
    const moved = await pacedRedrive(async (n) => {
      const got = await step(n);
      ac.abort();
      return got;
    }, { ratePerSec: 10, clock, signal: ac.signal });
    expect(moved).toBe(1);
  });

  it('refuses a rate that is not a positive number, and a max that is not a whole number', async () => {
    const clock = new SteppingClock();
    for (const ratePerSec of [0, -1, Number.NaN, Infinity]) {
      const err = await pacedRedrive(async () => 0, { ratePerSec, clock }).catch((e: unknown) => e);
      expect(isKlogError(err, 'INVALID_CONFIG'), String(ratePerSec)).toBe(true);
    }
    const err = await pacedRedrive(async () => 0, { ratePerSec: 1, max: 1.5, clock }).catch((e: unknown) => e);
    expect(isKlogError(err, 'INVALID_CONFIG')).toBe(true);
  });
});
