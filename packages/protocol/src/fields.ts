import { KlogError } from '@klog/log-core';

/**
 * Typed access to the fields of a decoded request. Anything can arrive in a frame, so every handler reads its
 * fields through these, and a wrong type becomes an INVALID_REQUEST answer naming the field — never a crash.
 */
export type Obj = Record<string, unknown>;

function fail(path: string, what: string, got: unknown): never {
  const shown = got === undefined ? 'nothing' : Buffer.isBuffer(got) ? 'bytes' : Array.isArray(got) ? 'an array' : typeof got;
  throw new KlogError('INVALID_REQUEST', `${path} must be ${what}, got ${shown}`);
}

export function obj(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.isBuffer(value)) fail(path, 'an object', value);
  return value as Obj;
}

export function int(o: Obj, key: string, path: string, opts: { min?: number; max?: number; default?: number } = {}): number {
  const v = o[key];
  if (v === undefined && opts.default !== undefined) return opts.default;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(`${path}.${key}`, 'an integer', v);
  if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
    throw new KlogError('INVALID_REQUEST', `${path}.${key} must be between ${opts.min ?? '-∞'} and ${opts.max ?? '∞'}, got ${v}`);
  }
  return v;
}

export function str(o: Obj, key: string, path: string, opts: { default?: string } = {}): string {
  const v = o[key];
  if (v === undefined && opts.default !== undefined) return opts.default;
  if (typeof v !== 'string') fail(`${path}.${key}`, 'a string', v);
  return v;
}

export function optStr(o: Obj, key: string, path: string): string | undefined {
  return o[key] === undefined || o[key] === null ? undefined : str(o, key, path);
}

export function bool(o: Obj, key: string, path: string, def: boolean): boolean {
  const v = o[key];
  if (v === undefined) return def;
  if (typeof v !== 'boolean') fail(`${path}.${key}`, 'a boolean', v);
  return v;
}

export function bytes(o: Obj, key: string, path: string): Buffer {
  const v = o[key];
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return fail(`${path}.${key}`, 'bytes', v);
}

export function optBytes(o: Obj, key: string, path: string): Buffer | null {
  return o[key] === undefined || o[key] === null ? null : bytes(o, key, path);
}

export function arr(o: Obj, key: string, path: string, opts: { optional?: boolean; max?: number } = {}): unknown[] {
  const v = o[key];
  if (v === undefined && opts.optional) return [];
  if (!Array.isArray(v)) fail(`${path}.${key}`, 'an array', v);
  if (opts.max !== undefined && v.length > opts.max) {
    throw new KlogError('INVALID_REQUEST', `${path}.${key} has ${v.length} entries, more than the limit of ${opts.max}`);
  }
  return v;
}

export function strings(o: Obj, key: string, path: string, opts: { optional?: boolean } = {}): string[] {
  return arr(o, key, path, opts).map((v, i) => (typeof v === 'string' ? v : fail(`${path}.${key}[${i}]`, 'a string', v)));
}

/** Each element of an array field as an object, with its path for messages. */
export function objects(o: Obj, key: string, path: string, opts: { optional?: boolean; max?: number } = {}): [Obj, string][] {
  return arr(o, key, path, opts).map((v, i) => [obj(v, `${path}.${key}[${i}]`), `${path}.${key}[${i}]`]);
}
