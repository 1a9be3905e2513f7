/**
 * One record inside a RecordBatch v2 records section:
 *
 *   length varint (bytes after this field) | attributes int8 (unused, 0) | timestampDelta varlong |
 *   offsetDelta varint | keyLength varint (-1 = null) | key | valueLength varint (-1 = null) | value |
 *   headerCount varint | headers: (keyLength varint, key utf8, valueLength varint (-1 = null), value)*
 *
 * Encoding is two-pass — {@link recordBodySize} then {@link writeRecord} — so a batch is one allocation
 * written in place. Decoding returns key, value and header values as views of the source buffer.
 */
import { KlogError } from '../errors.js';
import type { Header, RecordInput, StoredRecord } from '../types.js';
import { readVarint, readVarlong, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong, type Cursor } from './varint.js';

/** attributes + timestampDelta + offsetDelta + keyLength + valueLength + headerCount, each at least 1 byte. */
export const MIN_RECORD_BODY_SIZE = 6;

function invalid(index: number, what: string): KlogError {
  return new KlogError('INVALID_RECORD', `record ${index}: ${what}`);
}

function corrupt(what: string): KlogError {
  return new KlogError('CORRUPT_BATCH', `malformed record: ${what}`);
}

/** Up to this many bytes, copying byte by byte beats TypedArray.set. */
const SHORT_COPY_MAX = 16;

function sizeOfBytes(bytes: Uint8Array | null | undefined): number {
  return bytes == null ? 1 : sizeOfVarint(bytes.length) + bytes.length;
}

function checkBytes(bytes: unknown, index: number, field: string): void {
  if (bytes != null && !(bytes instanceof Uint8Array)) throw invalid(index, `${field} must be a Buffer or null`);
}

function headersSize(headers: Header[], index: number): number {
  if (!Array.isArray(headers)) throw invalid(index, 'headers must be an array');
  let size = sizeOfVarint(headers.length);
  for (const header of headers) {
    if (header === null || typeof header !== 'object' || typeof header.key !== 'string') {
      throw invalid(index, 'each header needs a string key');
    }
    checkBytes(header.value, index, `header '${header.key}' value`);
    const keyBytes = Buffer.byteLength(header.key, 'utf8');
    size += sizeOfVarint(keyBytes) + keyBytes + sizeOfBytes(header.value);
  }
  return size;
}

/**
 * Size of a record after its length field, checking the input's shape on the way (this is the one pass
 * that looks at every field before anything is written).
 */
export function recordBodySize(rec: RecordInput, offsetDelta: number, timestampDelta: number): number {
  return fieldsBodySize(rec.key, rec.value, rec.headers, offsetDelta, timestampDelta);
}

/** {@link recordBodySize} of a record given as its fields (no record object needed). */
export function fieldsBodySize(
  key: Uint8Array | null | undefined,
  value: Uint8Array | null | undefined,
  headers: Header[] | undefined,
  offsetDelta: number,
  timestampDelta: number,
): number {
  checkBytes(key, offsetDelta, 'key');
  checkBytes(value, offsetDelta, 'value');
  if (value === undefined) throw invalid(offsetDelta, 'value must be a Buffer or null');
  return (
    1 +
    sizeOfVarlong(timestampDelta) +
    sizeOfVarint(offsetDelta) +
    sizeOfBytes(key) +
    sizeOfBytes(value) +
    (headers === undefined ? 1 : headersSize(headers, offsetDelta))
  );
}

function writeBytes(buf: Buffer, pos: number, bytes: Uint8Array | null | undefined): number {
  if (bytes == null) {
    buf[pos] = 1; // zigzag(-1)
    return pos + 1;
  }
  const length = bytes.length;
  pos = writeVarint(buf, pos, length);
  // TypedArray.set costs a fixed ~25 ns per call; a plain loop is cheaper for the short keys most records have.
  if (length <= SHORT_COPY_MAX) {
    for (let i = 0; i < length; i++) buf[pos + i] = bytes[i];
  } else {
    buf.set(bytes, pos);
  }
  return pos + length;
}

/** Writes a record whose body size {@link recordBodySize} gave; returns the position after it. */
export function writeRecord(
  buf: Buffer,
  pos: number,
  rec: RecordInput,
  bodySize: number,
  offsetDelta: number,
  timestampDelta: number,
): number {
  return writeFields(buf, pos, rec.key, rec.value, rec.headers, bodySize, offsetDelta, timestampDelta);
}

/** {@link writeRecord} of a record given as its fields, whose body size {@link fieldsBodySize} gave. */
export function writeFields(
  buf: Buffer,
  pos: number,
  key: Uint8Array | null | undefined,
  value: Uint8Array | null | undefined,
  headers: Header[] | undefined,
  bodySize: number,
  offsetDelta: number,
  timestampDelta: number,
): number {
  pos = writeVarint(buf, pos, bodySize);
  buf[pos++] = 0;
  pos = writeVarlong(buf, pos, timestampDelta);
  pos = writeVarint(buf, pos, offsetDelta);
  pos = writeBytes(buf, pos, key);
  pos = writeBytes(buf, pos, value);
  if (headers === undefined) {
    buf[pos++] = 0;
    return pos;
  }
  pos = writeVarint(buf, pos, headers.length);
  for (const header of headers) {
    const keyBytes = Buffer.byteLength(header.key, 'utf8');
    pos = writeVarint(buf, pos, keyBytes);
    pos += buf.write(header.key, pos, keyBytes, 'utf8');
    pos = writeBytes(buf, pos, header.value);
  }
  return pos;
}

function readBytes(buf: Buffer, cur: Cursor, limit: number): Buffer | null {
  const length = readVarint(buf, cur);
  if (length === -1) return null;
  const start = cur.pos;
  const end = start + length;
  if (length < -1 || end > limit) throw corrupt(`field length ${length} at byte ${start} overruns its record`);
  cur.pos = end;
  return buf.subarray(start, end);
}

/** What a decoded record's offset and timestamp are relative to. */
export interface RecordBase {
  baseOffset: number;
  baseTimestamp: number;
  /** Set for log-append-time batches: every record then carries the batch's max timestamp. */
  logAppendTime: number | null;
}

/** Reads the record at `cur.pos` (which must lie before `limit`) and moves the cursor past it. */
/**
 * Builds the object a decoded record becomes. The default makes a StoredRecord; a reader that needs its own
 * shape (the client's messages) passes its own, so each record is one object, not two. A record without headers
 * gets the shared, frozen NO_HEADERS: a factory that hands its headers on must give such a record an array of its own.
 */
export type RecordFactory<T> = (offset: number, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Header[]) => T;

/**
 * The headers a factory is given for a record without any: one shared, frozen array, as most records have none and
 * an empty array per record is garbage a reader that ignores it (the client's messages) would still pay for.
 */
export const NO_HEADERS: Header[] = Object.freeze([]) as unknown as Header[];

// A StoredRecord's headers are the caller's to keep and change: it gets an array of its own.
export const storedRecord: RecordFactory<StoredRecord> = (offset, key, value, timestamp, headers) =>
  ({ offset, key, value, timestamp, headers: headers === NO_HEADERS ? [] : headers });

export function readRecord<T>(buf: Buffer, cur: Cursor, limit: number, base: RecordBase, make: RecordFactory<T>): T {
  const length = readVarint(buf, cur);
  const end = cur.pos + length;
  if (length < MIN_RECORD_BODY_SIZE || end > limit) {
    throw corrupt(`record length ${length} at byte ${cur.pos} does not fit its batch`);
  }
  cur.pos++; // attributes: unused in v2
  const timestampDelta = readVarlong(buf, cur);
  const offsetDelta = readVarint(buf, cur);
  const key = readBytes(buf, cur, end);
  const value = readBytes(buf, cur, end);
  const headerCount = readVarint(buf, cur);
  // Each header takes at least 2 bytes; the bound stops a forged count from looping for long.
  if (headerCount < 0 || headerCount * 2 > end - cur.pos) throw corrupt(`header count ${headerCount} does not fit`);
  const headers: Header[] = headerCount === 0 ? NO_HEADERS : [];
  for (let i = 0; i < headerCount; i++) {
    const keyLength = readVarint(buf, cur);
    const keyStart = cur.pos;
    if (keyLength < 0 || keyStart + keyLength > end) throw corrupt(`header key length ${keyLength} at byte ${keyStart}`);
    cur.pos += keyLength;
    headers.push({ key: buf.toString('utf8', keyStart, cur.pos), value: readBytes(buf, cur, end) });
  }
  if (cur.pos !== end) throw corrupt(`record ending at byte ${cur.pos} declared its end at byte ${end}`);
  return make(base.baseOffset + offsetDelta, key, value, base.logAppendTime ?? base.baseTimestamp + timestampDelta, headers);
}
