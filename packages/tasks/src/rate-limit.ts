import { KlogError } from '@klog/log-core';
import type { Clock } from '@klog/queue';
import { parseInterval } from './duration.js';

/**
 * Per-worker rate limit of one task ('10/s', '100/m', '1000/h'), as a token bucket: a worker holds a task that
 * is over the limit (its lock renewed) until a token frees up, rather than releasing it, which would spend one
 * of the task's attempts. Each worker process limits itself; N workers run up to N times the rate.
 */
export class RateLimiter {
  private readonly perMs: number;
  private readonly capacity: number;
  private tokens: number;
  private last: number;

  constructor(spec: string, private readonly clock: Clock) {
    const m = /^(\d+)\/(\d*(?:ms|s|m|h|d))$/.exec(spec.trim());
    if (m === null || Number(m[1]) <= 0) throw new KlogError('INVALID_CONFIG', `rateLimit ${JSON.stringify(spec)}: write it as count/unit, e.g. 10/s, 100/m, 5/10s`);
    const per = parseInterval(/^\d/.test(m[2]!) ? m[2]! : `1${m[2]}`);
    this.capacity = Number(m[1]);
    this.perMs = this.capacity / per;
    this.tokens = this.capacity;
    this.last = clock.now();
  }

  /** Resolves when a token was taken (at once if one is free). */
  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      if (signal?.aborted) return;
      await this.clock.sleep(Math.ceil((1 - this.tokens) / this.perMs), signal);
    }
  }
}
