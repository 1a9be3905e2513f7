import { KlogError } from '@klog/log-core';
import type { Clock } from '@klog/queue';
import type { TaskContext } from './task-context.js';
import type { TaskSpec } from './task-options.js';

/** How one attempt ended. */
export type AttemptOutcome =
  | { kind: 'returned'; value: unknown }
  | { kind: 'threw'; error: unknown }
  /** Revoked while it ran, or the worker stopped it at shutdown: not the task's failure. */
  | { kind: 'interrupted'; why: 'revoked' | 'shutdown' };

/**
 * Runs a task's handler once. A timeout counts as a throw (TASK_TIMEOUT); `interrupt` (revoke, shutdown) ends the
 * attempt at once. In both cases ctx.signal is aborted and the attempt's end does not wait for the handler:
 * JavaScript cannot stop a function that does not listen, so such a handler runs on, and what it returns is
 * dropped.
 */
export async function runAttempt(
  spec: TaskSpec,
  base: Omit<TaskContext, 'signal'>,
  args: unknown[],
  clock: Clock,
  interrupt: AbortSignal,
): Promise<AttemptOutcome> {
  const ac = new AbortController();
  const ctx: TaskContext = { ...base, signal: ac.signal };
  const timerStop = new AbortController();
  const ends: Promise<AttemptOutcome>[] = [
    (async (): Promise<AttemptOutcome> => {
      try {
        return { kind: 'returned', value: await spec.handler(ctx, ...args) };
      } catch (error) {
        return { kind: 'threw', error };
      }
    })(),
    new Promise<AttemptOutcome>((resolve) => {
      const onInterrupt = (): void => resolve({ kind: 'interrupted', why: interrupt.reason === 'revoked' ? 'revoked' : 'shutdown' });
      if (interrupt.aborted) onInterrupt();
      else interrupt.addEventListener('abort', onInterrupt, { once: true });
      timerStop.signal.addEventListener('abort', () => interrupt.removeEventListener('abort', onInterrupt), { once: true });
    }),
  ];
  if (spec.timeoutMs !== undefined) {
    const limit = spec.timeoutMs;
    ends.push(clock.sleep(limit, timerStop.signal).then((): AttemptOutcome => ({
      kind: 'threw',
      error: new KlogError('TASK_TIMEOUT', `task ${spec.name} ${base.id}: attempt ${base.attempt} ran longer than its timeoutMs (${limit} ms)`),
    })));
  }
  const outcome = await Promise.race(ends);
  timerStop.abort('attempt over'); // a reason given: no DOMException built per attempt
  if (outcome.kind !== 'returned') ac.abort(outcome.kind === 'interrupted' ? outcome.why : 'timeout');
  return outcome;
}
