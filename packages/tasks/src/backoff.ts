import { KlogError } from '@klog/log-core';

/** How long a failed attempt waits before the next: fixed, or doubling from delayMs up to maxDelayMs. */
export interface BackoffOptions {
  type: 'fixed' | 'exponential';
  delayMs: number;
  /** Cap of the exponential delay. Default 10 minutes. */
  maxDelayMs?: number;
  /**
   * Spread retries of tasks that failed together (a database that went away) so they do not come back together:
   * each delay is drawn uniformly from [delay/2, delay]. Default false, so delays are predictable.
   */
  jitter?: boolean;
}

export const DEFAULT_BACKOFF: BackoffOptions = { type: 'exponential', delayMs: 1_000, maxDelayMs: 600_000 };

export function checkBackoff(b: BackoffOptions, task: string): BackoffOptions {
  const bad = (what: string): never => {
    throw new KlogError('INVALID_CONFIG', `task ${task}: backoff ${what}`);
  };
  if (b.type !== 'fixed' && b.type !== 'exponential') bad(`type must be 'fixed' or 'exponential', got ${JSON.stringify(b.type)}`);
  if (!Number.isSafeInteger(b.delayMs) || b.delayMs < 0) bad(`delayMs must be a whole number of milliseconds >= 0, got ${b.delayMs}`);
  if (b.maxDelayMs !== undefined && (!Number.isSafeInteger(b.maxDelayMs) || b.maxDelayMs < b.delayMs)) bad(`maxDelayMs must be >= delayMs, got ${b.maxDelayMs}`);
  return b;
}

/** The wait after failed attempt number `attempt` (1 = the first attempt failed). */
export function retryDelay(b: BackoffOptions, attempt: number, random: () => number = Math.random): number {
  const base = b.type === 'fixed' ? b.delayMs : Math.min(b.maxDelayMs ?? DEFAULT_BACKOFF.maxDelayMs!, b.delayMs * 2 ** Math.min(attempt - 1, 40));
  return b.jitter === true ? Math.round(base / 2 + random() * (base / 2)) : base;
}
