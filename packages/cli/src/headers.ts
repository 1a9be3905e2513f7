import type { ConsumedMessage } from '@klog/client';
import { KlogError } from '@klog/log-core';

/** One header, in the order it was sent; a key may appear more than once (as in Kafka). */
export interface HeaderEntry {
  key: string;
  value: Buffer | null;
}

/** `--header k=v` flags, in the order given, duplicates kept: the value may itself contain `=`. */
export function parseHeaderFlags(pairs: string[]): { key: string; value: string }[] {
  return pairs.map((pair) => {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new KlogError('INVALID_CONFIG', `--header must look like key=value, got ${JSON.stringify(pair)}`);
    return { key: pair.slice(0, eq), value: pair.slice(eq + 1) };
  });
}

/**
 * Headers as the producer takes them. A map when it can say the same thing (distinct keys, none that a JS object
 * would reorder, like "1"), else the ordered list form; the map works with clients that predate the list.
 */
export function producerHeaders(list: { key: string; value: string }[]): Record<string, unknown> {
  const keys = new Set(list.map((h) => h.key));
  const mapKeepsOrder = keys.size === list.length && ![...keys].some((k) => /^(0|[1-9]\d*)$/.test(k));
  return mapKeepsOrder ? Object.fromEntries(list.map((h) => [h.key, h.value])) : list as unknown as Record<string, unknown>;
}

/**
 * A consumed message's headers as an ordered list with duplicates. Clients that only give the `headers` map
 * (one value per key) are read through it, so output works with either.
 */
export function headerListOf(m: ConsumedMessage): HeaderEntry[] {
  const list = (m as { headerList?: HeaderEntry[] }).headerList;
  return list ?? Object.entries(m.headers).map(([key, value]) => ({ key, value }));
}
