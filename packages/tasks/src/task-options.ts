import { KlogError } from '@klog/log-core';
import { checkBackoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import type { TaskHandler } from './task-context.js';

/** Per-task settings given to define(). */
export interface TaskOptions {
  /** Attempts after the first one fails (default 3): a task runs at most retries + 1 times. */
  retries?: number;
  /** Wait between attempts; default exponential from 1 s, capped at 10 minutes. */
  backoff?: BackoffOptions;
  /** An attempt running longer than this fails (and is retried). Default: no limit. */
  timeoutMs?: number;
  /** At most this many starts per worker process: '10/s', '100/m', '5/10s'. */
  rateLimit?: string;
}

/** A defined task as the worker runs it. */
export interface TaskSpec {
  readonly name: string;
  readonly handler: TaskHandler<unknown[], unknown>;
  readonly retries: number;
  readonly backoff: BackoffOptions;
  readonly timeoutMs: number | undefined;
  readonly rateLimit: string | undefined;
}

const TASK_NAME = /^[a-zA-Z0-9._:-]{1,200}$/;

export function taskSpec(name: string, handler: TaskHandler<unknown[], unknown>, o: TaskOptions): TaskSpec {
  if (typeof name !== 'string' || !TASK_NAME.test(name)) {
    throw new KlogError('INVALID_CONFIG', `task name must be 1-200 characters from [a-zA-Z0-9._:-], got ${JSON.stringify(name)}`);
  }
  if (typeof handler !== 'function') throw new KlogError('INVALID_CONFIG', `task ${name}: the handler must be a function`);
  const retries = o.retries ?? 3;
  if (!Number.isSafeInteger(retries) || retries < 0 || retries > 998) throw new KlogError('INVALID_CONFIG', `task ${name}: retries must be a whole number from 0 to 998, got ${retries}`);
  if (o.timeoutMs !== undefined && (!Number.isSafeInteger(o.timeoutMs) || o.timeoutMs < 1)) {
    throw new KlogError('INVALID_CONFIG', `task ${name}: timeoutMs must be a positive whole number of milliseconds, got ${o.timeoutMs}`);
  }
  return {
    name,
    handler,
    retries,
    backoff: checkBackoff(o.backoff ?? DEFAULT_BACKOFF, name),
    timeoutMs: o.timeoutMs,
    rateLimit: o.rateLimit,
  };
}
