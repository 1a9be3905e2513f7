import { KlogError } from '@klog/log-core';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(\d+)(ms|s|m|h|d|w)?$/;

/**
 * A span of time like `7d`, `12h`, `30m`, `10s`, `250ms`; the unit is required.
 * `-1` means "no limit" (Kafka's convention for retention), so it is accepted when `allowUnlimited` is set.
 */
export function parseDuration(text: string, what: string, opts: { allowUnlimited?: boolean } = {}): number {
  const t = text.trim();
  if (opts.allowUnlimited && t === '-1') return -1;
  const m = DURATION.exec(t);
  if (m && m[2] === undefined && Number(m[1]) > 0) {
    // A bare number was once read as milliseconds, and `--retention 12` meant 12 ms: ask instead of guessing.
    throw new KlogError('INVALID_CONFIG', `${what} ${t}: ${t} what? say ${t}h, ${t}m, ${t}s or ${t}ms`);
  }
  const ms = m ? Number(m[1]) * UNIT_MS[m[2]] : NaN;
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new KlogError('INVALID_CONFIG',
      `${what} must be a positive duration like 7d, 12h, 30m, 10s or 250ms${opts.allowUnlimited ? ' (or -1 for no limit)' : ''}, got ${JSON.stringify(text)}`);
  }
  return ms;
}

/**
 * A point in time: an ISO 8601 date (`2024-05-01T12:00:00Z`), a time relative to now (`-1h`, `-30m`, `-10s`),
 * or milliseconds since the epoch. Returns milliseconds since the epoch.
 */
export function parseTimePoint(text: string, what: string, now: number): number {
  const t = text.trim();
  if (t.startsWith('-')) return now - parseDuration(t.slice(1), what);
  if (/^\d+$/.test(t)) return Number(t);
  const ms = Date.parse(t);
  if (!/^\d{4}-\d{2}-\d{2}/.test(t) || Number.isNaN(ms)) {
    throw new KlogError('INVALID_CONFIG',
      `${what} must be an ISO date (2024-05-01T12:00:00Z), a time ago (-1h, -30m, -10s) or epoch milliseconds, got ${JSON.stringify(text)}`);
  }
  return ms;
}
