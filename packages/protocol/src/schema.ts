import type { ErrorCode } from '@klog/log-core';
import { expectArray, expectBool, expectBytes, expectInt, expectObject, expectOneOf, expectString, type Obj } from './fields.js';

/**
 * A field of a request or response: how to read it from a decoded msgpack value (validating, with the field's
 * path in every message), how to write it, and what the API reference says of it. The TypeScript types of every
 * API's messages are inferred from these, so the broker, the client and the docs cannot drift apart.
 */
export interface Field<T, Opt extends boolean = false> {
  /** The wire type as the API reference shows it. */
  readonly type: string;
  /** May be left out (null counts as left out); decoding leaves it undefined. */
  readonly optional: Opt;
  /** First version of the API that carries the field: older versions neither write nor read it. */
  readonly since: number;
  /** Fields of an object, or of the objects in an array, for the API reference. */
  readonly shape?: Shape;
  /** Range, default or meaning, for the API reference. */
  readonly note?: string;
  read(value: unknown, path: string, version: number): T;
  write(value: T, version: number): unknown;
}

export type AnyField = Field<any, boolean>;
export type Shape = { readonly [key: string]: AnyField };
export type Infer<F> = F extends Field<infer T, boolean> ? T : never;

type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K]['optional'] extends true ? K : never }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** The object type a shape describes: optional fields become optional properties. */
export type ObjectOf<S extends Shape> = Simplify<
  { -readonly [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & { -readonly [K in OptionalKeys<S>]?: Infer<S[K]> | undefined }
>;

function leaf<T>(type: string, read: (value: unknown, path: string) => T, note?: string): Field<T> {
  return { type, optional: false, since: 0, note, read, write: (v) => v };
}

function rangeNote(opts: { min?: number; max?: number }): string | undefined {
  if (opts.min === undefined && opts.max === undefined) return undefined;
  if (opts.max === undefined) return `at least ${opts.min}`;
  if (opts.min === undefined) return `at most ${opts.max}`;
  return `${opts.min} to ${opts.max}`;
}

/** A safe integer (msgpack int of any width), optionally within [min, max]. */
export function int(opts: { min?: number; max?: number } = {}): Field<number> {
  return leaf('int', (v, p) => expectInt(v, p, opts), rangeNote(opts));
}

export function string(): Field<string> {
  return leaf('string', expectString);
}

export function boolean(): Field<boolean> {
  return leaf('boolean', expectBool);
}

/** msgpack binary; record batches travel in these byte for byte. */
export function bytes(): Field<Buffer> {
  return leaf('bytes', expectBytes);
}

export function oneOf<T extends string | number>(...values: T[]): Field<T> {
  return leaf(values.map((v) => JSON.stringify(v)).join(' or '), (v, p) => expectOneOf(v, p, values));
}

/** An error code of errors.md; not checked against the list, so a newer peer's codes still come through. */
export function errorCode(): Field<ErrorCode> {
  return leaf('string (error code)', (v, p) => expectString(v, p) as ErrorCode);
}

/** A field whose reading needs more than the combinators (e.g. a union); `type` is what the docs show. */
export function custom<T>(type: string, read: (value: unknown, path: string) => T, note?: string): Field<T> {
  return leaf(type, read, note);
}

export function array<T>(of: Field<T>, opts: { max?: number } = {}): Field<T[]> {
  return {
    type: `array of ${of.type}`,
    optional: false,
    since: 0,
    shape: of.shape,
    note: opts.max === undefined ? of.note : `at most ${opts.max} entries`,
    read: (v, path, version) => expectArray(v, path, opts).map((e, i) => of.read(e, `${path}[${i}]`, version)),
    write: (v, version) => v.map((e) => of.write(e, version)),
  };
}

/** A map from any string to values of one type (e.g. topic settings by name). */
export function dictionary<T>(of: Field<T>): Field<Record<string, T>> {
  return {
    type: `map of string to ${of.type}`,
    optional: false,
    since: 0,
    read(v, path, version) {
      const o = expectObject(v, path);
      const out: Record<string, T> = {};
      for (const key of Object.keys(o)) out[key] = of.read(o[key], `${path}.${key}`, version);
      return out;
    },
    write(v, version) {
      const out: Obj = {};
      for (const key of Object.keys(v)) if (v[key] !== undefined) out[key] = of.write(v[key], version);
      return out;
    },
  };
}

/**
 * An object with the given fields. Reading keeps only those fields (what else a peer sends is ignored, so newer
 * peers may add fields); writing writes them in the shape's order, so the same message is always the same bytes.
 */
export function object<S extends Shape>(shape: S): Field<ObjectOf<S>> {
  const entries = Object.entries(shape);
  return {
    type: 'object',
    optional: false,
    since: 0,
    shape,
    read(v, path, version) {
      const o = expectObject(v, path);
      const out: Obj = {};
      for (const [key, f] of entries) {
        if (f.since > version) continue;
        const x = o[key];
        if (f.optional && (x === undefined || x === null)) continue;
        out[key] = f.read(x, `${path}.${key}`, version);
      }
      return out as ObjectOf<S>;
    },
    write(v, version) {
      const out: Obj = {};
      for (const [key, f] of entries) {
        const x = (v as Obj)[key];
        if (f.since > version || x === undefined) continue;
        out[key] = f.write(x, version);
      }
      return out;
    },
  };
}

/** May be left out; `note` says what that means (e.g. the default the broker applies). */
export function optional<T>(f: Field<T>, note?: string): Field<T, true> {
  return { ...f, optional: true, note: note ?? f.note };
}

/** Always present, but may be null. */
export function nullable<T>(f: Field<T>): Field<T | null> {
  return {
    ...f,
    type: `${f.type} or null`,
    read: (v, path, version) => (v === null || v === undefined ? null : f.read(v, path, version)),
    write: (v, version) => (v === null ? null : f.write(v, version)),
  };
}

/**
 * A field added in a later version of its API. It is optional, since peers speaking older versions neither
 * send nor expect it.
 */
export function since<T>(version: number, f: Field<T, boolean>): Field<T, true> {
  return { ...f, optional: true, since: version };
}
