import { fieldEntries, type Field, type FieldType, type Fields } from './schema.js';

const ZERO_UUID = Buffer.alloc(16);

/** The value of a field that is absent from a version (and the one a tagged field is omitted at). */
export function defaultOf(f: Field): unknown {
  if (f.default !== undefined) return f.default;
  return defaultOfType(f.type);
}

function defaultOfType(t: FieldType): unknown {
  switch (t.kind) {
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    case 'uuid':
      return Buffer.from(ZERO_UUID);
    case 'array':
      return [];
    case 'struct':
      return defaultStruct(t.fields);
    default:
      return 0;
  }
}

export function defaultStruct(fields: Fields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, f] of fieldEntries(fields)) out[name] = defaultOf(f);
  return out;
}

/** Structural equality of decoded values: a tagged field equal to its default is not written. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && !Buffer.isBuffer(a) && !Buffer.isBuffer(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}
