import { KlogError } from '@klog/log-core';

/**
 * Checks of single decoded values. Anything can arrive in a frame, so every field of every request and response
 * is read through these (via the schemas in schema.ts), and a wrong type becomes an INVALID_REQUEST naming the
 * field's path (e.g. `produce.topics[0].partitions[1].batch`) — never a crash.
 */
export type Obj = Record<string, unknown>;

function fail(path: string, what: string, got: unknown): never {
  const shown = got === undefined ? 'nothing' : got === null ? 'null' : Buffer.isBuffer(got) || got instanceof Uint8Array ? 'bytes'
    : Array.isArray(got) ? 'an array' : typeof got;
  throw new KlogError('INVALID_REQUEST', `${path} must be ${what}, got ${shown}`);
}

export function expectObject(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) fail(path, 'an object', v);
  return v as Obj;
}

export function expectInt(v: unknown, path: string, opts: { min?: number; max?: number } = {}): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(path, 'an integer', v);
  if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
    throw new KlogError('INVALID_REQUEST', `${path} must be between ${opts.min ?? '-∞'} and ${opts.max ?? '∞'}, got ${v}`);
  }
  return v;
}

export function expectString(v: unknown, path: string): string {
  if (typeof v !== 'string') fail(path, 'a string', v);
  return v;
}

export function expectBool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, 'a boolean', v);
  return v;
}

export function expectBytes(v: unknown, path: string): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return fail(path, 'bytes', v);
}

export function expectArray(v: unknown, path: string, opts: { max?: number } = {}): unknown[] {
  if (!Array.isArray(v)) fail(path, 'an array', v);
  if (opts.max !== undefined && v.length > opts.max) {
    throw new KlogError('INVALID_REQUEST', `${path} has ${v.length} entries, more than the limit of ${opts.max}`);
  }
  return v;
}

/** One of a fixed set of values (strings or integers). */
export function expectOneOf<T extends string | number>(v: unknown, path: string, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) {
    const shown = typeof v === 'string' || typeof v === 'number' ? JSON.stringify(v) : v === undefined ? 'nothing' : typeof v;
    throw new KlogError('INVALID_REQUEST', `${path} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${shown}`);
  }
  return v as T;
}
