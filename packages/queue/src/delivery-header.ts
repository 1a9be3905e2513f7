import type { Header } from '@klog/log-core';

/**
 * A record carrying this header (epoch ms as decimal text) is not delivered to any queue before that time. It
 * does not hold back the records behind it, and it survives restarts because it is part of the record.
 * Consumer groups ignore it.
 */
export const DELIVER_AT_HEADER = 'klog-deliver-at';

/** The header that delays a record until `epochMs`. */
export function deliverAtHeader(epochMs: number): Header {
  return { key: DELIVER_AT_HEADER, value: Buffer.from(String(Math.trunc(epochMs))) };
}

/** The record's deliver-at time, or 0 when it has none (or one that is not a decimal integer). */
export function deliverAtOf(headers: readonly Header[]): number {
  const h = headers.find((x) => x.key === DELIVER_AT_HEADER);
  if (h?.value == null) return 0;
  const text = h.value.toString('utf8');
  return /^\d{1,16}$/.test(text) ? Number(text) : 0;
}
