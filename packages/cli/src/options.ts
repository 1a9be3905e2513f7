import { KlogError } from '@klog/log-core';

function parseWhole(raw: unknown, flag: string, min: number): number {
  const text = String(raw).trim();
  const n = /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new KlogError('INVALID_CONFIG', `${flag} must be a whole number${min > 0 ? ` of at least ${min}` : ' (0 or more)'}, got ${JSON.stringify(text)}`);
  }
  return n;
}

/**
 * A yargs option for a whole number, checked as it is parsed: yargs' own `number` type turns `abc` into NaN, which
 * would travel on into a request and fail far from the flag that caused it. Repeated flags give a list.
 */
export function wholeNumberOption(flag: string, min = 0): { type: 'string'; coerce: (v: unknown) => number | number[] } {
  return {
    type: 'string',
    coerce: (v) => (Array.isArray(v) ? v.map((x) => parseWhole(x, flag, min)) : parseWhole(v, flag, min)),
  };
}

/** A flag counts as given when it has a value; a boolean flag when it is true. */
function given(v: unknown): boolean {
  return v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0);
}

/**
 * Refuses flags that contradict each other, naming both and why, rather than letting one silently win.
 * `pairs`: [flag, other flag or flags, why they clash].
 */
export function refuseTogether(args: Record<string, unknown>, pairs: [string, string[], string][]): void {
  for (const [flag, others, why] of pairs) {
    const other = others.find((o) => given(args[o]));
    if (given(args[flag]) && other !== undefined) {
      throw new KlogError('INVALID_CONFIG', `--${flag} and --${other} cannot be used together: ${why}`);
    }
  }
}
