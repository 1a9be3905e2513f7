import { systemClock, type Clock } from '@klog/queue';

/**
 * Calls `fn` once `ms` have passed on `clock`, unless the returned cancel is called first. On the system clock it is
 * one unref'd Node timer (as systemClock.sleep, it keeps no process alive); on another clock (a ManualClock in
 * tests) it sleeps on that clock. Why not clock.sleep with an AbortController every time: result() sets a timer per
 * waiter, and the controller, its signal and the abort event per settled task cost the enqueueing client as much
 * as the enqueue itself in its profile.
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
