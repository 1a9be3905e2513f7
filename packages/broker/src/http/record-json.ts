import { isUtf8 } from 'node:buffer';
import type { StoredRecord } from '@klog/log-core';

/** Bytes as the API shows them: the text when they are valid UTF-8 (null otherwise), and always base64. */
export interface BytesJson {
  text: string | null;
  base64: string;
}

export interface MessageJson {
  partition: number;
  offset: number;
  timestamp: number;
  key: BytesJson | null;
  value: BytesJson | null;
  headers: { key: string; value: BytesJson | null }[];
}

export function bytesJson(buf: Buffer | null): BytesJson | null {
  if (buf === null) return null;
  return { text: isUtf8(buf) ? buf.toString('utf8') : null, base64: buf.toString('base64') };
}

export function messageJson(partition: number, r: StoredRecord): MessageJson {
  return {
    partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: bytesJson(r.key),
    value: bytesJson(r.value),
    headers: r.headers.map((h) => ({ key: h.key, value: bytesJson(h.value) })),
  };
}
