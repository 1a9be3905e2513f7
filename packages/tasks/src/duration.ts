import { KlogError } from '@klog/log-core';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** '500ms', '30s', '5m', '1h', '1d' (or a number of milliseconds) to milliseconds. */
export function parseInterval(spec: string | number): number {
  if (typeof spec === 'number') {
    if (Number.isSafeInteger(spec) && spec > 0) return spec;
  } else {
    const m = /^(\d+)(ms|s|m|h|d)$/.exec(spec.trim());
    if (m !== null && Number(m[1]) > 0) return Number(m[1]) * UNITS[m[2]!]!;
  }
  throw new KlogError('INVALID_SCHEDULE', `interval ${JSON.stringify(spec)}: use a positive number with a unit (500ms, 30s, 5m, 1h, 1d) or milliseconds`);
}
