import { isUtf8 } from 'node:buffer';
import type { ConsumedMessage } from '@klog/client';
import { KlogError } from '@klog/log-core';
import { escapeAt } from './escapes.js';
import { headerListOf } from './headers.js';

/** The default output of `klog consume`: each value on a line of its own. */
export const DEFAULT_FORMAT = '%s\\n';

/** How `%T` and the JSON `timestamp` show a time: milliseconds since the epoch (as kcat), or ISO 8601 in UTC. */
export type TimeStyle = 'ms' | 'iso';

/** kcat's format fields, plus `%v` as another name for the payload. */
const FIELDS = {
  s: 'payload', v: 'payload (same as %s)', S: 'payload size in bytes (-1 for none)',
  R: 'payload size as a 4-byte big-endian integer (-1 for none)', k: 'key', K: 'key size in bytes (-1 for none)',
  t: 'topic', p: 'partition', o: 'offset', T: 'timestamp', h: 'headers as k=v,k=v in order',
} as const;
type Field = keyof typeof FIELDS;
type Part = Buffer | Field;

/** One line per field, for --help. */
export const FORMAT_FIELDS_HELP = Object.entries(FIELDS).map(([f, what]) => `%${f} ${what}`).join(', ');

/** The consumer hands out Buffers (no deserializer), so keys, values and headers are bytes or null. */
function bytesOf(v: unknown): Buffer | null {
  return Buffer.isBuffer(v) ? v : null;
}

function timeOf(ms: number, style: TimeStyle): string {
  return style === 'iso' ? new Date(ms).toISOString() : String(ms);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/**
 * Compiles a kcat-style format (fields as in FIELDS, `%%` a percent sign; `\n \t \r \\ \0 \xNN` escapes) into a
 * function from a message to the bytes to write. Keys and values are written as they are, so binary survives.
 */
export function compileFormat(format: string, time: TimeStyle = 'ms'): (m: ConsumedMessage) => Buffer {
  const parts: Part[] = [];
  let literal: Buffer[] = [];
  const flush = (): void => {
    if (literal.length > 0) parts.push(Buffer.concat(literal));
    literal = [];
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    const next = format[i + 1];
    if (c === '%' && next !== undefined && next in FIELDS) {
      flush();
      parts.push(next as Field);
      i++;
    } else if (c === '%' && next === '%') {
      literal.push(Buffer.from('%'));
      i++;
    } else if (c === '%') {
      throw new KlogError('INVALID_CONFIG', `--format: unknown field %${next ?? ''} (fields: ${Object.keys(FIELDS).map((f) => `%${f}`).join(' ')}, and %% for a percent sign)`);
    } else {
      const e = c === '\\' ? escapeAt(format, i) : null;
      literal.push(e ? e.bytes : Buffer.from(c));
      if (e) i += e.length - 1;
    }
  }
  flush();
  return (m) => Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : fieldBytes(p, m, time))));
}

function fieldBytes(field: Field, m: ConsumedMessage, time: TimeStyle): Buffer {
  const value = bytesOf(m.value);
  const key = bytesOf(m.key);
  switch (field) {
    case 't': return Buffer.from(m.topic);
    case 'p': return Buffer.from(String(m.partition));
    case 'o': return Buffer.from(String(m.offset));
    case 'T': return Buffer.from(timeOf(m.timestamp, time));
    case 'k': return key ?? Buffer.alloc(0);
    case 'K': return Buffer.from(String(key?.length ?? -1));
    case 's': case 'v': return value ?? Buffer.alloc(0);
    case 'S': return Buffer.from(String(value?.length ?? -1));
    case 'R': return int32(value?.length ?? -1);
    case 'h': return Buffer.concat(headerListOf(m).flatMap(({ key: k, value: v }, i) => [
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
 * base64 and `keyEncoding` / `valueEncoding` say "base64". Headers are a list of `{ key, value }` in the order
 * sent, duplicates kept (a JSON object could hold each key once only); a value that is not UTF-8 is base64, marked
 * with `valueEncoding` likewise.
 */
export function toJsonLine(m: ConsumedMessage, time: TimeStyle = 'ms'): string {
  const key = textOf(bytesOf(m.key));
  const value = textOf(bytesOf(m.value));
  const headers = headerListOf(m).map((h) => {
    const v = textOf(h.value);
    return { key: h.key, value: v.text, ...(v.base64 ? { valueEncoding: 'base64' } : {}) };
  });
  return JSON.stringify({
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    timestamp: time === 'iso' ? timeOf(m.timestamp, time) : m.timestamp,
    key: key.text,
    ...(key.base64 ? { keyEncoding: 'base64' } : {}),
    value: value.text,
    ...(value.base64 ? { valueEncoding: 'base64' } : {}),
    headers,
  }) + '\n';
}

/** How `klog consume` prints a record: `--json`, else `--format` (or the default). */
export function rendererOf(args: { json?: boolean; format?: string; 'time-format': TimeStyle }): (m: ConsumedMessage) => string | Buffer {
  const time = args['time-format'];
  return args.json ? (m) => toJsonLine(m, time) : compileFormat(args.format ?? DEFAULT_FORMAT, time);
}
