/**
 * Time, injected. Queue code never reads the wall clock or sets timers itself: it asks `now()` and waits with
 * `sleep()`, so tests drive lock expiry, delays and renewals deterministically with a ManualClock.
 */
export interface Clock {
  now(): number;
  /** Resolves after `ms` (at once for ms <= 0), or early when `signal` aborts. Never rejects. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Date.now and unref'd Node timers: a sleeping queue never keeps a process alive on its own. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms).unref();
    signal?.addEventListener('abort', done, { once: true });
  }),
};

/**
 * Calls `fn` once `ms` have passed on `clock`, unless the returned cancel is called first. On the system clock it is
 * one unref'd Node timer (as systemClock.sleep, it keeps no process alive); on another clock (a ManualClock in
 * tests) it sleeps on that clock. Why not clock.sleep with an AbortController every time: a timer set per waiting
 * fetch or per result() waiter, with its controller, signal and abort event, cost as much as the work it waited for.
 */
export function startTimer(clock: Clock, ms: number, fn: () => void): () => void {
  if (clock === systemClock) {
    const timer = setTimeout(fn, Math.max(0, ms)).unref();
    return () => clearTimeout(timer);
  }
  const stop = new AbortController();
  void clock.sleep(ms, stop.signal).then(() => {
    if (!stop.signal.aborted) fn();
  });
  return () => stop.abort('cancelled'); // a reason given: no DOMException built
}

interface Sleeper {
  due: number;
  seq: number;
  wake: () => void;
}

/** A clock that moves only when told: advance(ms) wakes every sleeper that falls due, earliest first. */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly sleepers = new Set<Sleeper>();

  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const sleeper: Sleeper = {
        due: this.current + ms,
        seq: this.seq++,
        wake: () => {
          this.sleepers.delete(sleeper);
          signal?.removeEventListener('abort', sleeper.wake);
          resolve();
        },
      };
      this.sleepers.add(sleeper);
      signal?.addEventListener('abort', sleeper.wake, { once: true });
    });
  }

  /** Sleepers not yet woken (lets a test check that nothing is left waiting). */
  pendingSleepers(): number {
    return this.sleepers.size;
  }

  advance(ms: number): void {
    this.current += ms;
    const due = [...this.sleepers].filter((s) => s.due <= this.current).sort((a, b) => a.due - b.due || a.seq - b.seq);
    for (const s of due) s.wake();
  }
}
