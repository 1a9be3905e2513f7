import { KlogError } from '@klog/log-core';
import type { KafkaReader } from '../codec/reader.js';
import { defaultOf } from './defaults.js';
import { fieldEntries, inVersions, isFlexible, isTaggedAt, type FieldType, type Fields, type Infer, type MessageSchema } from './schema.js';

/**
 * Decodes a message body at a version: fields in order (those absent from the version take their default),
 * and in flexible versions a tagged-field section after every struct, where unknown tags are skipped by their
 * size (a newer client may send fields klog does not know; Kafka never rejects them).
 */
export function readMessage<S extends MessageSchema>(schema: S, r: KafkaReader, version: number): Infer<S> {
  return readStruct(schema.fields, r, version, isFlexible(schema, version)) as Infer<S>;
}

function readStruct(fields: Fields, r: KafkaReader, version: number, flexible: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, f] of fieldEntries(fields)) {
    out[name] = inVersions(f.versions, version) && !(flexible && isTaggedAt(f, version))
      ? readValue(f.type, r, version, flexible, inVersions(f.nullable, version) && f.nullable !== undefined, name)
      : defaultOf(f);
  }
  if (flexible) readTaggedFields(fields, r, version, out);
  return out;
}

/** Skips a whole tagged-field section (one whose fields none are known, like the request header's). */
export function skipTaggedFields(r: KafkaReader): void {
  readTaggedFields({}, r, 0, {});
}

function readTaggedFields(fields: Fields, r: KafkaReader, version: number, out: Record<string, unknown>): void {
  const count = r.uvarint();
  let lastTag = -1;
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    if (tag <= lastTag) throw malformed(`tagged fields out of order: tag ${tag} after ${lastTag}`);
    lastTag = tag;
    const value = r.sub(r.uvarint());
    const known = fieldEntries(fields).find(([, f]) => f.tag === tag && isTaggedAt(f, version));
    if (known === undefined) continue; // an unknown tag: its bytes are already skipped
    const [name, f] = known;
    out[name] = readValue(f.type, value, version, true, inVersions(f.nullable, version) && f.nullable !== undefined, name);
    if (value.remaining !== 0) throw malformed(`tagged field ${name} (tag ${tag}) declares ${value.remaining} bytes more than its value`);
  }
}

function readValue(t: FieldType, r: KafkaReader, version: number, flexible: boolean, nullable: boolean, name: string): unknown {
  switch (t.kind) {
    case 'int8':
      return r.int8();
    case 'int16':
      return r.int16();
    case 'int32':
      return r.int32();
    case 'int64':
      return r.int64();
    case 'uint16':
      return r.uint16();
    case 'float64':
      return r.float64();
    case 'bool':
      return r.bool();
    case 'uuid':
      return r.uuid();
    case 'string':
      return notNull(flexible ? r.compactNullableString() : r.nullableString(), nullable, name);
    case 'bytes':
      return notNull(flexible ? r.compactNullableBytes() : r.nullableBytes(), nullable, name);
    case 'records':
      return flexible ? r.compactNullableBytes() : r.nullableBytes();
    case 'array': {
      const count = r.arrayCount(flexible);
      if (count === -1) return notNull(null, nullable, name);
      const items: unknown[] = [];
      for (let i = 0; i < count; i++) items.push(readValue(t.items, r, version, flexible, false, name));
      return items;
    }
    case 'struct':
      return readStruct(t.fields, r, version, flexible);
  }
}

function notNull<T>(value: T | null, nullable: boolean, name: string): T | null {
  if (value === null && !nullable) throw malformed(`null where ${name} may not be null`);
  return value;
}

function malformed(what: string): KlogError {
  return new KlogError('INVALID_REQUEST', `malformed Kafka request: ${what}`);
}
