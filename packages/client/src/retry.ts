import type { Logger } from '@klog/log-core';
import { isRetriable } from '@klog/protocol';

/**
 * How long producers and consumers retry a retriable error before giving up with it, unless told otherwise
 * (kafkajs' default too). Finite on purpose: a broker that keeps failing must surface as an error, not as a
 * client that hangs without a word.
 */
export const DEFAULT_MAX_RETRY_TIME_MS = 30_000;

/** Says, as a warning, that an attempt failed with a retriable error and will be made again. */
export function warnRetry(logger: Logger, what: string, err: unknown, attempt: number, backoffMs: number): void {
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? err.message : String(err);
  logger.warn({ code, attempt, backoffMs, error: message }, `${what} failed (${String(code)}, attempt ${attempt}); retrying in ${backoffMs} ms`);
}

export interface RetryOptions {
  /** Give up once this much time has passed since the first attempt. */
  maxRetryTimeMs: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  signal?: AbortSignal;
  /** Told of each retriable failure before the wait: the attempt that failed and how long until the next. */
  onRetry?: (err: unknown, attempt: number, backoffMs: number) => void;
}

/** Runs `fn` until it succeeds, a non-retriable error occurs, or the retry time is up (exponential backoff). */
export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const deadline = Date.now() + opts.maxRetryTimeMs;
  let backoff = opts.initialBackoffMs ?? 50;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetriable(err) || Date.now() + backoff > deadline || opts.signal?.aborted) throw err;
      opts.onRetry?.(err, attempt, backoff);
      await sleep(backoff, opts.signal);
      backoff = Math.min(backoff * 2, opts.maxBackoffMs ?? 2_000);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
