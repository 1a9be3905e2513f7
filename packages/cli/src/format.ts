import { isUtf8 } from 'node:buffer';
import type { ConsumedMessage } from '@klog/client';
import { KlogError } from '@klog/log-core';

/** The default output of `klog consume`: each value on a line of its own. */
export const DEFAULT_FORMAT = '%v\\n';

type Field = 't' | 'p' | 'o' | 'k' | 'v' | 'T' | 'h';
type Part = Buffer | Field;

const FIELDS = new Set<string>(['t', 'p', 'o', 'k', 'v', 'T', 'h']);
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', 0: '\0' };

/** The consumer hands out Buffers (no deserializer), so keys, values and headers are bytes or null. */
function bytesOf(v: unknown): Buffer | null {
  return Buffer.isBuffer(v) ? v : null;
}

/**
 * Compiles a kcat-style format (`%t` topic, `%p` partition, `%o` offset, `%k` key, `%v` value, `%T` timestamp,
 * `%h` headers as k=v pairs joined by commas, `%%` a percent sign; `\n`, `\t`, `\r`, `\\`, `\0` escapes) into a
 * function from a message to the bytes to write. Keys and values are written as they are, so binary survives.
 */
export function compileFormat(format: string): (m: ConsumedMessage) => Buffer {
  const parts: Part[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal) parts.push(Buffer.from(literal));
    literal = '';
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    const next = format[i + 1];
    if (c === '%' && next !== undefined && FIELDS.has(next)) {
      flush();
      parts.push(next as Field);
      i++;
    } else if (c === '%' && next === '%') {
      literal += '%';
      i++;
    } else if (c === '\\' && next !== undefined && next in ESCAPES) {
      literal += ESCAPES[next];
      i++;
    } else if (c === '%') {
      throw new KlogError('INVALID_CONFIG', `--format: unknown field %${next ?? ''} (fields: %t %p %o %k %v %T %h, and %% for a percent sign)`);
    } else {
      literal += c;
    }
  }
  flush();
  return (m) => Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : fieldBytes(p, m))));
}

function fieldBytes(field: Field, m: ConsumedMessage): Buffer {
  switch (field) {
    case 't': return Buffer.from(m.topic);
    case 'p': return Buffer.from(String(m.partition));
    case 'o': return Buffer.from(String(m.offset));
    case 'T': return Buffer.from(String(m.timestamp));
    case 'k': return bytesOf(m.key) ?? Buffer.alloc(0);
    case 'v': return bytesOf(m.value) ?? Buffer.alloc(0);
    case 'h': return Buffer.concat(Object.entries(m.headers).flatMap(([k, v], i) => [
      Buffer.from(`${i > 0 ? ',' : ''}${k}=`), v ?? Buffer.alloc(0),
    ]));
  }
}

/** Bytes as text when they are valid UTF-8, else as base64 (and then the caller marks the encoding). */
function textOf(bytes: Buffer | null): { text: string | null; base64: boolean } {
  if (bytes === null) return { text: null, base64: false };
  return isUtf8(bytes) ? { text: bytes.toString('utf8'), base64: false } : { text: bytes.toString('base64'), base64: true };
}

/**
 * One message as one line of JSON. Key and value are UTF-8 strings when they are valid UTF-8; otherwise they are
 * base64 and `keyEncoding` / `valueEncoding` say "base64". A header value that is not UTF-8 becomes `{ "base64": … }`.
 */
export function toJsonLine(m: ConsumedMessage): string {
  const key = textOf(bytesOf(m.key));
  const value = textOf(bytesOf(m.value));
  const headers: Record<string, string | null | { base64: string }> = {};
  for (const [k, v] of Object.entries(m.headers)) {
    const h = textOf(v);
    headers[k] = h.base64 ? { base64: h.text! } : h.text;
  }
  return JSON.stringify({
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    timestamp: m.timestamp,
    key: key.text,
    ...(key.base64 ? { keyEncoding: 'base64' } : {}),
    value: value.text,
    ...(value.base64 ? { valueEncoding: 'base64' } : {}),
    headers,
  }) + '\n';
}
