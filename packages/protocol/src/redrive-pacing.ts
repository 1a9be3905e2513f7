import { KlogError } from '@klog/log-core';

/** The time a paced re-drive reads and waits on; @klog/queue's Clock fits, so tests can pass a manual one. */
export interface PacingClock {
  now(): number;
  /** Resolves after `ms` (at once for ms <= 0), or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface PacedRedriveOptions {
  /** Move at most this many (default: all there are). */
  max?: number;
  /** Records per second, on average over the run; a positive number. */
  ratePerSec: number;
  clock: PacingClock;
  /** Stops between two steps; what was moved stays moved. */
  signal?: AbortSignal;
}

/** Steps a second: small steps keep the flow even, without one request per record at high rates. */
const STEPS_PER_SEC = 10;

/**
 * Re-drives dead letters at a bounded rate, in small steps of `step(max)` (which moves up to `max` and says how
 * many it moved), so that a backlog of dead letters going back to their topic does not flood the workers that
 * consume it. Each step moves at most rate / 10 records (at least 1), and starts only once the records already
 * moved are due at that rate: the run is never ahead of schedule. Stops when a step moves fewer than it was
 * allowed (nothing is left), at `max`, or when `signal` aborts. The same pacing serves the embedded manager
 * (steps are engine calls) and the client admin (steps are redriveQueue requests, each short, so no request
 * runs for minutes and an interrupted run leaves every step it made done).
 */
export async function pacedRedrive(step: (max: number) => Promise<number>, opts: PacedRedriveOptions): Promise<number> {
  const { ratePerSec, clock, signal } = opts;
  const max = opts.max ?? Infinity;
  if (!(Number.isFinite(ratePerSec) && ratePerSec > 0)) throw new KlogError('INVALID_CONFIG', `the re-drive rate must be a positive number of records per second, got ${ratePerSec}`);
  if (max !== Infinity && (!Number.isSafeInteger(max) || max < 0)) throw new KlogError('INVALID_CONFIG', `max must be a whole number, got ${max}`);
  const perStep = Math.max(1, Math.ceil(ratePerSec / STEPS_PER_SEC));
  const started = clock.now();
  let moved = 0;
  while (moved < max && !signal?.aborted) {
    const want = Math.min(perStep, max - moved);
    const n = await step(want);
    moved += n;
    if (n < want) break;
    const dueAt = started + (moved * 1000) / ratePerSec;
    if (moved < max) await clock.sleep(dueAt - clock.now(), signal);
  }
  return moved;
}
