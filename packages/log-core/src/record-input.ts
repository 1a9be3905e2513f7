import { KlogError } from './errors.js';
import type { RecordInput } from './types.js';

function isBytes(v: unknown): boolean {
  return v instanceof Uint8Array;
}

/** Rejects records whose fields are not bytes, with a message naming the record and the field. */
export function validateRecords(records: unknown): asserts records is RecordInput[] {
  if (!Array.isArray(records) || records.length === 0) {
    throw new KlogError('INVALID_RECORD', 'append needs a non-empty array of records');
  }
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as RecordInput;
    if (typeof r !== 'object' || r === null) throw new KlogError('INVALID_RECORD', `record ${i} is not an object`);
    if (r.value !== null && !isBytes(r.value)) {
      throw new KlogError('INVALID_RECORD', `record ${i}: value must be a Buffer (or null); encode strings with Buffer.from()`);
    }
    if (r.key != null && !isBytes(r.key)) {
      throw new KlogError('INVALID_RECORD', `record ${i}: key must be a Buffer, null or absent`);
    }
    if (r.headers !== undefined) {
      if (!Array.isArray(r.headers)) throw new KlogError('INVALID_RECORD', `record ${i}: headers must be an array of { key, value }`);
      for (const h of r.headers) {
        if (typeof h?.key !== 'string' || (h.value !== null && !isBytes(h.value))) {
          throw new KlogError('INVALID_RECORD', `record ${i}: each header needs a string key and a Buffer (or null) value`);
        }
      }
    }
  }
}
