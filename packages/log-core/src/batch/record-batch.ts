/**
 * Kafka's RecordBatch v2 ("magic 2"), the unit klog stores, ships and checksums. Big-endian layout:
 *
 *   offset size field
 *        0    8 baseOffset            \ LOG_OVERHEAD: the broker assigns baseOffset by patching these
 *        8    4 batchLength           /  8 bytes in place; batchLength counts the bytes after itself
 *       12    4 partitionLeaderEpoch
 *       16    1 magic (= 2)
 *       17    4 crc                   CRC32C of bytes 21..end, so the fields before it can change freely
 *       21    2 attributes            bits 0-2 codec, 3 timestampType, 4 transactional, 5 control
 *       23    4 lastOffsetDelta
 *       27    8 baseTimestamp
 *       35    8 maxTimestamp
 *       43    8 producerId            -1 = none
 *       51    2 producerEpoch
 *       53    4 baseSequence
 *       57    4 recordCount
 *       61      records               compressed as a whole when the codec is not none
 */
import { KlogError } from '../errors.js';
import type { Compression, RecordInput, StoredRecord } from '../types.js';
import { compress, compressionCodecId, compressionFromAttributes, decompress } from '../compression/codecs.js';
import { crc32c } from './crc32c.js';
import { MIN_RECORD_BODY_SIZE, readRecord, recordBodySize, storedRecord, writeRecord, type RecordBase, type RecordFactory } from './record.js';
import { readVarint, readVarlong, sizeOfVarint } from './varint.js';

export const BATCH_HEADER_SIZE = 61;
/** baseOffset + batchLength: the bytes that batchLength does not count. */
export const LOG_OVERHEAD = 12;

const BATCH_LENGTH_OFFSET = 8;
const PARTITION_LEADER_EPOCH_OFFSET = 12;
const MAGIC_OFFSET = 16;
const CRC_OFFSET = 17;
const ATTRIBUTES_OFFSET = 21;
const LAST_OFFSET_DELTA_OFFSET = 23;
const BASE_TIMESTAMP_OFFSET = 27;
const MAX_TIMESTAMP_OFFSET = 35;
const PRODUCER_ID_OFFSET = 43;
const PRODUCER_EPOCH_OFFSET = 51;
const BASE_SEQUENCE_OFFSET = 53;
const RECORD_COUNT_OFFSET = 57;

/** The smallest batchLength: a header with no records. */
const MIN_BATCH_LENGTH = BATCH_HEADER_SIZE - LOG_OVERHEAD;
const MAGIC = 2;
const TIMESTAMP_TYPE_LOG_APPEND = 0x08;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
/** Producers leave the leader epoch to the broker. */
const NO_PARTITION_LEADER_EPOCH = -1;
const NO_PRODUCER = -1;
const TWO_POW_32 = 4294967296;

export interface BatchHeader {
  baseOffset: number;
  /** Bytes after the batchLength field. */
  batchLength: number;
  /** The whole batch on disk or on the wire: LOG_OVERHEAD + batchLength. */
  sizeInBytes: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  compression: Compression;
  isTransactional: boolean;
  isControl: boolean;
  /** lastOffset = baseOffset + lastOffsetDelta. */
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export interface EncodeOptions {
  baseOffset?: number;
  compression?: Compression;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  /** Timestamp for records without one; default Date.now(). */
  now?: number;
}

/**
 * Where the records of a rewritten batch sit (compaction keeps offsets): each record's offset delta, the
 * batch's last offset delta and the leader epoch, as they were before records were removed.
 */
export interface BatchLayout {
  offsetDeltas: ArrayLike<number>;
  lastOffsetDelta: number;
  partitionLeaderEpoch: number;
}

export interface BatchLimits {
  /** Largest acceptable sizeInBytes (LOG_OVERHEAD + batchLength). */
  maxBatchBytes?: number;
  /**
   * The batch may have been rewritten by compaction: its records keep their offset deltas, which then rise
   * with gaps up to lastOffsetDelta, rather than number 0..n-1. Never for a batch a producer sends.
   */
  compacted?: boolean;
  /**
   * Also inflate compressed records and check their framing, as for uncompressed ones: for a batch from a
   * producer, which is stored as sent and must be readable later. Reads skip it: the CRC covers the bytes.
   */
  inflate?: boolean;
}

function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_POW_32 + buf.readUInt32BE(pos + 4);
}

function writeInt64(buf: Buffer, pos: number, value: number, field: string): void {
  if (!Number.isSafeInteger(value)) throw new KlogError('INVALID_BATCH', `${field} must be a safe integer, got ${value}`);
  buf.writeInt32BE(Math.floor(value / TWO_POW_32), pos);
  buf.writeUInt32BE(value >>> 0, pos + 4);
}

/** Record body sizes between the sizing and writing passes; reused because encoding is synchronous. */
let bodySizes = new Int32Array(1024);

function timestampOf(rec: RecordInput, index: number, now: number): number {
  const ts = rec.timestamp ?? now;
  if (!Number.isSafeInteger(ts)) {
    throw new KlogError('INVALID_RECORD', `record ${index}: timestamp must be an integer (ms), got ${ts}`);
  }
  return ts;
}

/**
 * Encodes records as one batch, offsets deltas 0..n-1 from `baseOffset` (default 0, normally assigned later
 * by the log with {@link setBaseOffset}), with create-time timestamps.
 */
export function encodeBatch(records: RecordInput[], opts: EncodeOptions = {}, layout?: BatchLayout): Buffer {
  const count = records.length;
  if (count === 0) throw new KlogError('INVALID_RECORD', 'a batch needs at least one record');
  const compression = opts.compression ?? 'none';
  const now = opts.now ?? Date.now();

  if (bodySizes.length < count) bodySizes = new Int32Array(Math.max(count, bodySizes.length * 2));
  const sizes = bodySizes;
  const baseTimestamp = timestampOf(records[0], 0, now);
  let maxTimestamp = baseTimestamp;
  let recordsSize = 0;
  for (let i = 0; i < count; i++) {
    const ts = timestampOf(records[i], i, now);
    if (ts > maxTimestamp) maxTimestamp = ts;
    const delta = ts - baseTimestamp;
    if (!Number.isSafeInteger(delta)) {
      throw new KlogError('INVALID_RECORD', `record ${i}: timestamp ${ts} is too far from the first record's`);
    }
    const body = recordBodySize(records[i], layout ? layout.offsetDeltas[i] : i, delta);
    sizes[i] = body;
    recordsSize += sizeOfVarint(body) + body;
  }

  let batch: Buffer;
  if (compression === 'none') {
    batch = allocBatch(BATCH_HEADER_SIZE + recordsSize);
    writeRecords(batch, BATCH_HEADER_SIZE, records, sizes, baseTimestamp, now, layout);
  } else {
    const raw = Buffer.allocUnsafe(recordsSize);
    writeRecords(raw, 0, records, sizes, baseTimestamp, now, layout);
    const packed = compress(raw, compression);
    batch = allocBatch(BATCH_HEADER_SIZE + packed.length);
    batch.set(packed, BATCH_HEADER_SIZE);
  }

  writeBatchHeader(batch, opts, { count, baseTimestamp, maxTimestamp }, layout);
  return batch;
}

/**
 * Fills in the 61-byte header of `batch` (its records already in place after it, the whole buffer being the
 * batch) and its CRC. Writing it again with other producer fields re-stamps the batch.
 */
export function writeBatchHeader(
  batch: Buffer,
  opts: EncodeOptions,
  records: { count: number; baseTimestamp: number; maxTimestamp: number },
  layout?: BatchLayout,
): void {
  writeInt64(batch, 0, opts.baseOffset ?? 0, 'baseOffset');
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  batch.writeInt32BE(layout?.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, PARTITION_LEADER_EPOCH_OFFSET);
  batch[MAGIC_OFFSET] = MAGIC;
  batch.writeInt16BE(compressionCodecId(opts.compression ?? 'none'), ATTRIBUTES_OFFSET);
  batch.writeInt32BE(layout?.lastOffsetDelta ?? records.count - 1, LAST_OFFSET_DELTA_OFFSET);
  writeInt64(batch, BASE_TIMESTAMP_OFFSET, records.baseTimestamp, 'baseTimestamp');
  writeInt64(batch, MAX_TIMESTAMP_OFFSET, records.maxTimestamp, 'maxTimestamp');
  writeInt64(batch, PRODUCER_ID_OFFSET, opts.producerId ?? NO_PRODUCER, 'producerId');
  batch.writeInt16BE(opts.producerEpoch ?? -1, PRODUCER_EPOCH_OFFSET);
  batch.writeInt32BE(opts.baseSequence ?? -1, BASE_SEQUENCE_OFFSET);
  batch.writeInt32BE(records.count, RECORD_COUNT_OFFSET);
  batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
}

/** A buffer for a batch of `size` bytes, refusing what the format cannot describe. */
export function allocBatch(size: number): Buffer {
  if (size - LOG_OVERHEAD > 0x7fffffff) {
    throw new KlogError('RECORD_TOO_LARGE', `batch of ${size} bytes exceeds the format's 2 GiB limit`);
  }
  // Unsafe (uninitialised) is fine: every byte is written before the batch is returned.
  return Buffer.allocUnsafe(size);
}

function writeRecords(
  buf: Buffer,
  pos: number,
  records: RecordInput[],
  sizes: Int32Array,
  baseTimestamp: number,
  now: number,
  layout: BatchLayout | undefined,
): void {
  for (let i = 0; i < records.length; i++) {
    const rec = records[i];
    pos = writeRecord(buf, pos, rec, sizes[i], layout ? layout.offsetDeltas[i] : i, (rec.timestamp ?? now) - baseTimestamp);
  }
}

function truncated(pos: number, need: number, have: number): KlogError {
  return new KlogError('CORRUPT_BATCH', `truncated batch at byte ${pos}: needs ${need} bytes, ${have} present`);
}

/** Parses the 61-byte header at `pos`; checks only that the bytes are there (and that the codec is known). */
export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  if (buf.length - pos < BATCH_HEADER_SIZE) throw truncated(pos, BATCH_HEADER_SIZE, buf.length - pos);
  const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
  return {
    baseOffset: readInt64(buf, pos),
    batchLength,
    sizeInBytes: LOG_OVERHEAD + batchLength,
    partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET),
    magic: buf.readInt8(pos + MAGIC_OFFSET),
    crc: buf.readUInt32BE(pos + CRC_OFFSET),
    attributes,
    compression: compressionFromAttributes(attributes),
    isTransactional: (attributes & TRANSACTIONAL) !== 0,
    isControl: (attributes & CONTROL) !== 0,
    lastOffsetDelta: buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: readInt64(buf, pos + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: readInt64(buf, pos + MAX_TIMESTAMP_OFFSET),
    producerId: readInt64(buf, pos + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
    recordCount: buf.readInt32BE(pos + RECORD_COUNT_OFFSET),
  };
}

/**
 * Size of the batch at `pos` (LOG_OVERHEAD + batchLength) if its 12-byte prefix is present, else -1.
 * Any other value below BATCH_HEADER_SIZE means a damaged length field.
 */
export function batchSizeAt(buf: Buffer, pos: number): number {
  if (buf.length - pos < LOG_OVERHEAD) return -1;
  return LOG_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
}

function checkMagic(buf: Buffer, pos: number): void {
  const magic = buf.readInt8(pos + MAGIC_OFFSET);
  if (magic !== MAGIC) {
    throw new KlogError('INVALID_BATCH', `batch has magic ${magic}; only magic 2 (RecordBatch v2) is supported`);
  }
}

function invalid(what: string): KlogError {
  return new KlogError('INVALID_BATCH', what);
}

/**
 * Checks the batch at `pos` before it is trusted: that it is whole, sanely sized, magic 2, matches its
 * CRC32C, and that its record count is honest. Torn or damaged bytes throw CORRUPT_BATCH; well-formed
 * batches klog will not accept throw INVALID_BATCH (or RECORD_TOO_LARGE, UNSUPPORTED_COMPRESSION).
 * Compressed records are inflated and checked only with `limits.inflate`; decodeBatch checks them on reading.
 */
export function validateBatch(buf: Buffer, pos = 0, limits: BatchLimits = {}): BatchHeader {
  const available = buf.length - pos;
  if (available < LOG_OVERHEAD) throw truncated(pos, LOG_OVERHEAD, available);
  const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  if (batchLength < MIN_BATCH_LENGTH) {
    throw new KlogError('CORRUPT_BATCH', `batchLength ${batchLength} at byte ${pos} is below the ${MIN_BATCH_LENGTH}-byte minimum`);
  }
  const size = LOG_OVERHEAD + batchLength;
  if (available < size) throw truncated(pos, size, available);
  if (limits.maxBatchBytes !== undefined && size > limits.maxBatchBytes) {
    throw new KlogError('RECORD_TOO_LARGE', `batch of ${size} bytes exceeds the ${limits.maxBatchBytes}-byte limit`);
  }
  checkMagic(buf, pos);
  const end = pos + size;
  const stored = buf.readUInt32BE(pos + CRC_OFFSET);
  const computed = crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, end));
  if (stored !== computed) {
    throw new KlogError(
      'CORRUPT_BATCH',
      `CRC mismatch in batch at byte ${pos}: stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)}`,
    );
  }
  const header = readBatchHeader(buf, pos);
  if (header.recordCount < 1) throw invalid(`batch declares ${header.recordCount} records; at least 1 is required`);
  const gaps = limits.compacted === true;
  if (gaps ? header.lastOffsetDelta < header.recordCount - 1 : header.lastOffsetDelta !== header.recordCount - 1) {
    throw invalid(`lastOffsetDelta ${header.lastOffsetDelta} does not match recordCount ${header.recordCount}`);
  }
  const lastOffsetDelta = gaps ? header.lastOffsetDelta : null;
  if (header.compression === 'none') {
    checkRecordFraming(buf, pos + BATCH_HEADER_SIZE, end, header.recordCount, lastOffsetDelta);
  } else if (limits.inflate === true) {
    const raw = decompress(buf.subarray(pos + BATCH_HEADER_SIZE, end), header.compression);
    checkRecordFraming(raw, 0, raw.length, header.recordCount, lastOffsetDelta);
  }
  return header;
}

/**
 * Walks the record length prefixes of an uncompressed records section, reading only each record's
 * offsetDelta: the records must exactly fill [start, end), number `recordCount`, and be numbered 0..n-1,
 * since the log derives every record's offset from them — or, in a compacted batch (`lastOffsetDelta` given),
 * rise strictly up to lastOffsetDelta.
 */
function checkRecordFraming(buf: Buffer, start: number, end: number, recordCount: number, lastOffsetDelta: number | null): void {
  const cur = { pos: start };
  let count = 0;
  let previous = -1;
  while (cur.pos < end) {
    const length = readVarint(buf, cur);
    const recordEnd = cur.pos + length;
    if (length < MIN_RECORD_BODY_SIZE || recordEnd > end) {
      throw new KlogError('CORRUPT_BATCH', `record ${count} declares length ${length}, which does not fit the batch`);
    }
    cur.pos++; // attributes
    readVarlong(buf, cur); // timestampDelta: skipped
    const offsetDelta = readVarint(buf, cur);
    const ok = lastOffsetDelta === null ? offsetDelta === count : offsetDelta > previous && offsetDelta <= lastOffsetDelta;
    if (!ok) throw invalid(`record ${count} has offsetDelta ${offsetDelta}`);
    previous = offsetDelta;
    cur.pos = recordEnd;
    count++;
  }
  if (count !== recordCount) throw invalid(`batch declares ${recordCount} records but holds ${count}`);
}

/** Sets the base offset of the batch at `pos`; the CRC does not cover it, so the batch stays valid. */
export function setBaseOffset(buf: Buffer, pos: number, baseOffset: number): void {
  writeInt64(buf, pos, baseOffset, 'baseOffset');
}

/**
 * Decodes the batch at `pos`. It does not verify the CRC (call validateBatch for bytes not yet trusted) but
 * does check the record structure. Uncompressed keys and values are views of `buf`.
 */
export function decodeBatch(buf: Buffer, pos?: number): { header: BatchHeader; records: StoredRecord[] };
export function decodeBatch<T>(buf: Buffer, pos: number, make: RecordFactory<T>): { header: BatchHeader; records: T[] };
export function decodeBatch<T>(buf: Buffer, pos = 0, make?: RecordFactory<T>): { header: BatchHeader; records: (T | StoredRecord)[] } {
  const build: RecordFactory<T | StoredRecord> = make ?? storedRecord;
  const header = readBatchHeader(buf, pos);
  checkMagic(buf, pos);
  const end = pos + header.sizeInBytes;
  if (header.batchLength < MIN_BATCH_LENGTH || end > buf.length) throw truncated(pos, header.sizeInBytes, buf.length - pos);

  let src = buf;
  let cur = { pos: pos + BATCH_HEADER_SIZE };
  let srcEnd = end;
  if (header.compression !== 'none') {
    src = decompress(buf.subarray(cur.pos, end), header.compression);
    cur = { pos: 0 };
    srcEnd = src.length;
  }
  const base: RecordBase = {
    baseOffset: header.baseOffset,
    baseTimestamp: header.baseTimestamp,
    logAppendTime: header.attributes & TIMESTAMP_TYPE_LOG_APPEND ? header.maxTimestamp : null,
  };
  const records: (T | StoredRecord)[] = [];
  for (let i = 0; i < header.recordCount; i++) {
    if (cur.pos >= srcEnd) throw new KlogError('CORRUPT_BATCH', `batch declares ${header.recordCount} records but holds ${i}`);
    records.push(readRecord(src, cur, srcEnd, base, build));
  }
  if (cur.pos !== srcEnd) {
    throw new KlogError('CORRUPT_BATCH', `batch has ${srcEnd - cur.pos} bytes after its ${header.recordCount} records`);
  }
  return { header, records };
}

/**
 * The whole batches laid back to back from the start of `buf`; a partial batch at the end (a read that
 * stopped mid-batch) ends the iteration. Nothing is validated beyond the length being possible.
 */
export function* iterateBatches(buf: Buffer): Generator<{ pos: number; header: BatchHeader }> {
  let pos = 0;
  while (buf.length - pos >= LOG_OVERHEAD) {
    const size = batchSizeAt(buf, pos);
    // Checked before the end-of-buffer test: a damaged length must not pass for a partial batch.
    if (size < BATCH_HEADER_SIZE) {
      throw new KlogError('CORRUPT_BATCH', `batch at byte ${pos} declares ${size} bytes, less than a batch header`);
    }
    if (pos + size > buf.length) return;
    yield { pos, header: readBatchHeader(buf, pos) };
    pos += size;
  }
}
