import { KlogError } from '@klog/log-core';
import { startTimer, type Clock } from '@klog/queue';
import type { Interrupt } from './interrupt.js';
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
export function runAttempt(
  spec: TaskSpec,
  base: Omit<TaskContext, 'signal'>,
  args: unknown[],
  clock: Clock,
  interrupt: Interrupt,
): AttemptOutcome | Promise<AttemptOutcome> {
  const ctx = new AttemptContext(base, interrupt);
  let returned: unknown;
  try {
    returned = spec.handler(ctx, ...args);
  } catch (error) {
    if (!interrupt.aborted) return ended({ kind: 'threw', error }, interrupt);
    returned = Promise.reject(error);
  }
  // A handler that returned without a promise has ended before a timeout or an interrupt could: no race, listener
  // or timer to set up (most short tasks). An interrupt already there still wins, as it would the race.
  // Returned as is, not as a promise: the caller goes on in this turn instead of a microtask later.
  if (!isThenable(returned) && !interrupt.aborted) return { kind: 'returned', value: returned };
  return race(spec, base, returned, clock, interrupt);
}

/**
 * What the handler gets first. ctx.signal is the interrupt's own signal, aborted too when the attempt ends
 * otherwise than by returning: one controller per attempt, not one per way of ending it, and made only if the
 * handler reads it. A class, not an object literal spreading `base` beside a getter: that literal was built on a
 * slow path for every task (about 3 % of a worker's CPU for no-op tasks).
 */
class AttemptContext implements TaskContext {
  readonly id: string;
  readonly name: string;
  readonly attempt: number;
  readonly progress: (value: number) => void;

  constructor(base: Omit<TaskContext, 'signal'>, private readonly interrupt: Interrupt) {
    this.id = base.id;
    this.name = base.name;
    this.attempt = base.attempt;
    this.progress = base.progress;
  }

  get signal(): AbortSignal {
    return this.interrupt.signal;
  }
}

/** The handler's promise against the interrupt and the timeout: the first to end the attempt decides. */
async function race(spec: TaskSpec, base: Omit<TaskContext, 'signal'>, returned: unknown, clock: Clock, interrupt: Interrupt): Promise<AttemptOutcome> {
  let stopListening: (() => void) | undefined;
  const ends: Promise<AttemptOutcome>[] = [
    Promise.resolve(returned).then((value): AttemptOutcome => ({ kind: 'returned', value }), (error: unknown): AttemptOutcome => ({ kind: 'threw', error })),
    new Promise<AttemptOutcome>((resolve) => {
      const onInterrupt = (): void => resolve({ kind: 'interrupted', why: interrupt.reason === 'revoked' ? 'revoked' : 'shutdown' });
      if (interrupt.aborted) onInterrupt();
      else stopListening = interrupt.onAbort(onInterrupt);
    }),
  ];
  let stopTimer: (() => void) | undefined;
  if (spec.timeoutMs !== undefined) {
    const limit = spec.timeoutMs;
    ends.push(new Promise<AttemptOutcome>((resolve) => {
      stopTimer = startTimer(clock, limit, () => resolve({
        kind: 'threw',
        error: new KlogError('TASK_TIMEOUT', `task ${spec.name} ${base.id}: attempt ${base.attempt} ran longer than its timeoutMs (${limit} ms)`),
      }));
    }));
  }
  const outcome = await Promise.race(ends);
  stopListening?.();
  stopTimer?.();
  return ended(outcome, interrupt);
}

/** A failed attempt aborts ctx.signal, for whatever the handler left running. */
function ended(outcome: AttemptOutcome, interrupt: Interrupt): AttemptOutcome {
  if (outcome.kind === 'threw' && !interrupt.aborted) interrupt.abort('timeout');
  return outcome;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
