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
  interrupt: AbortController,
): Promise<AttemptOutcome> {
  // ctx.signal is the interrupt's own signal, aborted here too when the attempt ends otherwise than by returning:
  // one controller per attempt, not one per way of ending it.
  const ctx: TaskContext = { ...base, signal: interrupt.signal };
  let onInterrupt: (() => void) | undefined;
  const ends: Promise<AttemptOutcome>[] = [
    (async (): Promise<AttemptOutcome> => {
      try {
        return { kind: 'returned', value: await spec.handler(ctx, ...args) };
      } catch (error) {
        return { kind: 'threw', error };
      }
    })(),
    new Promise<AttemptOutcome>((resolve) => {
      onInterrupt = (): void => resolve({ kind: 'interrupted', why: interrupt.signal.reason === 'revoked' ? 'revoked' : 'shutdown' });
      if (interrupt.signal.aborted) onInterrupt();
      else interrupt.signal.addEventListener('abort', onInterrupt, { once: true });
    }),
  ];
  let timerStop: AbortController | undefined;
  if (spec.timeoutMs !== undefined) {
    const limit = spec.timeoutMs;
    timerStop = new AbortController();
    ends.push(clock.sleep(limit, timerStop.signal).then((): AttemptOutcome => ({
      kind: 'threw',
      error: new KlogError('TASK_TIMEOUT', `task ${spec.name} ${base.id}: attempt ${base.attempt} ran longer than its timeoutMs (${limit} ms)`),
    })));
  }
  const outcome = await Promise.race(ends);
  interrupt.signal.removeEventListener('abort', onInterrupt!);
  timerStop?.abort('attempt over'); // a reason given: no DOMException built
  if (outcome.kind === 'threw' && !interrupt.signal.aborted) interrupt.abort('timeout');
  return outcome;
}
