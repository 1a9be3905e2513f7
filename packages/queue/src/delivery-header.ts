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
  // Asked of every record a queue reads, most of which have no headers: a plain loop, no callback to allocate.
  let h: Header | undefined;
  for (let i = 0; i < headers.length && h === undefined; i++) if (headers[i].key === DELIVER_AT_HEADER) h = headers[i];
  if (h?.value == null) return 0;
  const text = h.value.toString('utf8');
  return /^\d{1,16}$/.test(text) ? Number(text) : 0;
}
