import { KlogError } from '@klog/log-core';

const UNIT_BYTES: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

/** A size like `1048576`, `64MiB`, `512k`, `1g` (units are powers of 1024); `-1` for "no limit" when allowed. */
export function parseSize(text: string, what: string, opts: { allowUnlimited?: boolean } = {}): number {
  const t = text.trim();
  if (opts.allowUnlimited && t === '-1') return -1;
  const m = /^(\d+)\s*([a-zA-Z]*)$/.exec(t);
  const unit = m ? UNIT_BYTES[m[2].toLowerCase()] : undefined;
  const bytes = m && unit ? Number(m[1]) * unit : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new KlogError('INVALID_CONFIG',
      `${what} must be a positive size like 1048576, 512KiB, 64MiB or 1GiB${opts.allowUnlimited ? ' (or -1 for no limit)' : ''}, got ${JSON.stringify(text)}`);
  }
  return bytes;
}
