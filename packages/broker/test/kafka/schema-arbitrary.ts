// fast-check values for any Kafka message schema at a version: what that version can carry (fields absent from
// it hold their defaults, null only where the version allows it), so write → read must give the value back.
import fc from 'fast-check';
import { defaultOf } from '../../src/kafka/schema/defaults.js';
import { inVersions, isFlexible, type Field, type FieldType, type Fields, type MessageSchema } from '../../src/kafka/schema/schema.js';

const INT64_SAFE = { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };

export function messageArbitrary(schema: MessageSchema, version: number): fc.Arbitrary<Record<string, unknown>> {
  return structArbitrary(schema.fields, version, isFlexible(schema, version), 0);
}

function structArbitrary(fields: Fields, version: number, flexible: boolean, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, f] of Object.entries(fields)) model[name] = fieldArbitrary(f, version, flexible, depth);
  return fc.record(model);
}

function fieldArbitrary(f: Field, version: number, flexible: boolean, depth: number): fc.Arbitrary<unknown> {
  // A tagged field outside the flexible versions cannot travel at all.
  if (!inVersions(f.versions, version) || (f.tag !== undefined && !flexible)) return fc.constant(defaultOf(f));
  const value = typeArbitrary(f.type, version, flexible, depth);
  return f.nullable !== undefined && inVersions(f.nullable, version) ? fc.option(value, { nil: null }) : value;
}

function typeArbitrary(t: FieldType, version: number, flexible: boolean, depth: number): fc.Arbitrary<unknown> {
  switch (t.kind) {
    case 'int8':
      return fc.integer({ min: -128, max: 127 });
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'int32':
      return fc.integer({ min: -2147483648, max: 2147483647 });
    case 'int64':
      return fc.integer(INT64_SAFE);
    case 'uint16':
      return fc.integer({ min: 0, max: 65535 });
    case 'float64':
      return fc.double({ noNaN: true });
    case 'bool':
      return fc.boolean();
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 12 });
    case 'bytes':
      return fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a));
    case 'records':
      return fc.option(fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)), { nil: null });
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a));
    case 'array':
      return fc.array(typeArbitrary(t.items, version, flexible, depth + 1), { maxLength: depth > 2 ? 1 : 3 });
    case 'struct':
      return structArbitrary(t.fields, version, flexible, depth + 1);
  }
}
