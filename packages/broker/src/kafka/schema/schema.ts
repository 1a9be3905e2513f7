/**
 * klog's notation for Kafka messages. A message lists its fields in wire order; each field says in which
 * versions it exists, in which it may be null and, for tagged fields, its tag and tagged versions. The one
 * generic codec (message-reader.ts, message-writer.ts) reads and writes any message at any version from this,
 * so an API module declares its request and response once and gets typed objects (see `Infer`).
 *
 * Version ranges are `[from]` (from this version on) or `[from, to]` (inclusive).
 */

export type Versions = readonly [number] | readonly [number, number];

export type PrimitiveKind = 'int8' | 'int16' | 'int32' | 'int64' | 'uint16' | 'float64' | 'bool' | 'string' | 'bytes' | 'records' | 'uuid';

export interface PrimitiveType<K extends PrimitiveKind = PrimitiveKind> {
  readonly kind: K;
}

export interface ArrayType<I extends FieldType = FieldType> {
  readonly kind: 'array';
  readonly items: I;
}

export interface StructType<F extends Fields = Fields> {
  readonly kind: 'struct';
  readonly fields: F;
}

export type FieldType = PrimitiveType | ArrayType | StructType;

export interface FieldOptions {
  /** Versions the field exists in; absent means every version of the message. */
  readonly versions?: Versions;
  /** Versions in which the field may be null (strings, bytes, arrays, structs' nullable fields). */
  readonly nullable?: Versions;
  /** A tagged field: its tag, and the versions in which it travels in the tagged section. */
  readonly tag?: number;
  readonly tagged?: Versions;
  /** The value read when the field is absent, and the one a tagged field is left out at. */
  readonly default?: unknown;
}

export interface Field<T extends FieldType = FieldType> extends FieldOptions {
  readonly type: T;
}

export type Fields = { readonly [name: string]: Field };

export interface MessageSchema<F extends Fields = Fields> {
  readonly name: string;
  readonly validVersions: readonly [number, number];
  /** First flexible version; Infinity when the message has none. */
  readonly flexibleFrom: number;
  readonly fields: F;
}

// ---- building schemas --------------------------------------------------------------------------------------

export const int8: PrimitiveType<'int8'> = { kind: 'int8' };
export const int16: PrimitiveType<'int16'> = { kind: 'int16' };
export const int32: PrimitiveType<'int32'> = { kind: 'int32' };
/** Offsets, timestamps and producer ids: read as numbers, exact below 2^53, which they stay far under. */
export const int64: PrimitiveType<'int64'> = { kind: 'int64' };
export const uint16: PrimitiveType<'uint16'> = { kind: 'uint16' };
export const float64: PrimitiveType<'float64'> = { kind: 'float64' };
export const bool: PrimitiveType<'bool'> = { kind: 'bool' };
export const string: PrimitiveType<'string'> = { kind: 'string' };
export const bytes: PrimitiveType<'bytes'> = { kind: 'bytes' };
/** A record set: nullable bytes, kept as a view of the request (or referenced in a response, not copied). */
export const records: PrimitiveType<'records'> = { kind: 'records' };
export const uuid: PrimitiveType<'uuid'> = { kind: 'uuid' };

export function array<I extends FieldType>(items: I): ArrayType<I> {
  return { kind: 'array', items };
}

export function struct<F extends Fields>(fields: F): StructType<F> {
  return { kind: 'struct', fields };
}

export function field<T extends FieldType, const O extends FieldOptions = {}>(type: T, options?: O): Field<T> & O {
  return { ...(options as O), type };
}

export function message<F extends Fields>(
  name: string,
  spec: { validVersions: readonly [number, number]; flexibleFrom?: number; fields: F },
): MessageSchema<F> {
  checkFields(name, spec.fields);
  return { name, validVersions: spec.validVersions, flexibleFrom: spec.flexibleFrom ?? Infinity, fields: spec.fields };
}

/** A schema the codec cannot honour, refused when the module declaring it loads rather than on the wire. */
export class SchemaDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaDefinitionError';
  }
}

const NULLABLE_KINDS = new Set(['string', 'bytes', 'records', 'array']);

function checkFields(path: string, fields: Fields): void {
  const tags = new Set<number>();
  for (const [name, f] of Object.entries(fields)) {
    const at = `${path}.${name}`;
    if ((f.tag === undefined) !== (f.tagged === undefined)) throw new SchemaDefinitionError(`${at}: a tagged field needs both tag and tagged versions`);
    if (f.tag !== undefined) {
      if (tags.has(f.tag)) throw new SchemaDefinitionError(`${at}: tag ${f.tag} is used twice in one struct`);
      tags.add(f.tag);
    }
    if (f.nullable !== undefined && !NULLABLE_KINDS.has(f.type.kind)) {
      throw new SchemaDefinitionError(`${at}: only strings, bytes, records and arrays can be nullable here (nullable structs are not supported by this codec)`);
    }
    const inner = f.type.kind === 'array' ? f.type.items : f.type;
    if (inner.kind === 'struct') checkFields(at, inner.fields);
  }
}

const ENTRIES = new WeakMap<Fields, readonly (readonly [string, Field])[]>();

/** A struct's fields in wire order, listed once per struct (the codec walks them for every message). */
export function fieldEntries(fields: Fields): readonly (readonly [string, Field])[] {
  let entries = ENTRIES.get(fields);
  if (entries === undefined) {
    entries = Object.entries(fields);
    ENTRIES.set(fields, entries);
  }
  return entries;
}

export function inVersions(range: Versions | undefined, version: number): boolean {
  if (range === undefined) return true;
  return version >= range[0] && (range.length === 1 || version <= range[1]);
}

export function isFlexible(schema: MessageSchema, version: number): boolean {
  return version >= schema.flexibleFrom;
}

/** Whether the field travels in the tagged section (rather than in order) at this version. */
export function isTaggedAt(f: Field, version: number): boolean {
  return f.tag !== undefined && inVersions(f.tagged, version);
}

// ---- the TypeScript type a schema decodes to ---------------------------------------------------------------

type PrimitiveValue<K extends PrimitiveKind> = K extends 'bool'
  ? boolean
  : K extends 'string'
    ? string
    : K extends 'bytes' | 'uuid'
      ? Buffer
      : K extends 'records'
        ? Buffer | null
        : number;

export type InferType<T> = T extends PrimitiveType<infer K>
  ? PrimitiveValue<K>
  : T extends ArrayType<infer I>
    ? InferType<I>[]
    : T extends StructType<infer F>
      ? InferFields<F>
      : never;

type InferField<F> = F extends Field<infer T> ? (F extends { nullable: Versions } ? InferType<T> | null : InferType<T>) : never;

export type InferFields<F extends Fields> = { -readonly [K in keyof F]: InferField<F[K]> };

/** The decoded object of a message (a field absent from the version read holds its default). */
export type Infer<S> = S extends MessageSchema<infer F> ? InferFields<F> : never;
