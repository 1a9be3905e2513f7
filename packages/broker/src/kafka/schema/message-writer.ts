import { KafkaWriter } from '../codec/writer.js';
import { defaultOf, sameValue } from './defaults.js';
import { fieldEntries, inVersions, isFlexible, isTaggedAt, type Field, type FieldType, type Fields, type Infer, type MessageSchema } from './schema.js';

/** A value that the schema cannot encode at the version asked: a bug in the API module that built it. */
export class SchemaEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaEncodeError';
  }
}

/**
 * Encodes a message at a version: the fields that exist in it, in order; in flexible versions, compact forms and
 * a tagged-field section closing every struct, holding the tagged fields whose value is not their default.
 */
export function writeMessage<S extends MessageSchema>(schema: S, value: Infer<S>, version: number, w = new KafkaWriter()): KafkaWriter {
  writeStruct(schema.fields, value as Record<string, unknown>, w, version, isFlexible(schema, version), schema.name);
  return w;
}

function writeStruct(fields: Fields, value: Record<string, unknown>, w: KafkaWriter, version: number, flexible: boolean, path: string): void {
  const tagged: [number, string, Field][] = [];
  for (const [name, f] of fieldEntries(fields)) {
    if (!inVersions(f.versions, version)) continue;
    if (flexible && isTaggedAt(f, version)) {
      if (!sameValue(value[name], defaultOf(f))) tagged.push([f.tag!, name, f]);
      continue;
    }
    writeValue(f.type, value[name], w, version, flexible, nullableAt(f, version), `${path}.${name}`);
  }
  if (!flexible) return;
  tagged.sort((a, b) => a[0] - b[0]);
  w.uvarint(tagged.length);
  for (const [tag, name, f] of tagged) {
    const inner = new KafkaWriter();
    writeValue(f.type, value[name], inner, version, true, nullableAt(f, version), `${path}.${name}`);
    w.uvarint(tag).uvarint(inner.length).append(inner);
  }
}

function nullableAt(f: Field, version: number): boolean {
  return f.nullable !== undefined && inVersions(f.nullable, version);
}

function writeValue(t: FieldType, v: unknown, w: KafkaWriter, version: number, flexible: boolean, nullable: boolean, path: string): void {
  if (v === undefined) throw new SchemaEncodeError(`${path} is missing at version ${version}`);
  if (v === null && !nullable && t.kind !== 'records') throw new SchemaEncodeError(`${path} is null, which version ${version} cannot encode`);
  switch (t.kind) {
    case 'int8':
      w.int8(v as number);
      return;
    case 'int16':
      w.int16(v as number);
      return;
    case 'int32':
      w.int32(v as number);
      return;
    case 'int64':
      w.int64(v as number);
      return;
    case 'uint16':
      w.uint16(v as number);
      return;
    case 'float64':
      w.float64(v as number);
      return;
    case 'bool':
      w.bool(v as boolean);
      return;
    case 'uuid':
      w.uuid(v as Buffer);
      return;
    case 'string':
      if (flexible) w.compactNullableString(v as string | null);
      else w.nullableString(v as string | null);
      return;
    case 'bytes':
    case 'records':
      if (flexible) w.compactNullableBytes(v as Buffer | null);
      else w.nullableBytes(v as Buffer | null);
      return;
    case 'array': {
      const items = v as unknown[] | null;
      w.arrayCount(items === null ? null : items.length, flexible);
      for (const item of items ?? []) writeValue(t.items, item, w, version, flexible, false, `${path}[]`);
      return;
    }
    case 'struct':
      writeStruct(t.fields, v as Record<string, unknown>, w, version, flexible, path);
      return;
  }
}
