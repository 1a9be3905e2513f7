import type { Logger } from '@klog/log-core';

/** Codes that mean the broker is out of reach for now, which the client retries. */
const UNREACHABLE = new Set(['CONNECTION_LOST', 'BROKER_NOT_AVAILABLE', 'BROKER_SHUTTING_DOWN', 'REQUEST_TIMED_OUT', 'COORDINATOR_NOT_AVAILABLE']);
/** Retries of one outage come at most a couple of seconds apart (the client's backoff is capped at 2 s). */
const SAME_OUTAGE_MS = 10_000;

/**
 * The client's logger, for a person at a shell: the client reports every retry, as JSON; here an outage is one line
 * in klog's voice ("broker unreachable …; reconnecting"), said again only for a later outage, and other warnings
 * are one line each. Debug and info are for programs, not people: dropped.
 */
export function clientNotices(note: (line: string) => void, now: () => number = Date.now): Logger {
  let lastRetry = -Infinity;
  const warnOrError = (obj: object, msg: string): void => {
    const { code, error } = obj as { code?: unknown; error?: unknown };
    if (typeof code === 'string' && UNREACHABLE.has(code)) {
      if (now() - lastRetry > SAME_OUTAGE_MS) note(`klog: broker unreachable (${String(error ?? code)}); reconnecting until it is back`);
      lastRetry = now();
      return;
    }
    note(`klog: ${msg}${typeof error === 'string' && !msg.includes(error) ? `: ${error}` : ''}`);
  };
  return { debug: () => undefined, info: () => undefined, warn: warnOrError, error: warnOrError };
}
