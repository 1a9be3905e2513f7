import { BATCH_HEADER_SIZE, KlogError, batchSizeAt } from '@klog/log-core';

/**
 * Where the magic byte sits. Kafka put it at the same position in every message format (after an int64
 * offset, an int32 length and a 4-byte CRC/epoch), so old message sets are told apart before anything else.
 */
const MAGIC_OFFSET = 16;
const RECORD_BATCH_MAGIC = 2;
/** RecordBatch v2 attributes (int16): bits 0-2 name the compression codec, 4 being zstd. */
const ATTRIBUTES_OFFSET = 21;
const CODEC_MASK = 0x07;
const ZSTD_CODEC = 4;

/** Whether a (split, whole) RecordBatch v2 is zstd-compressed: older Produce versions may not carry one. */
export function isZstdBatch(batch: Buffer): boolean {
  return (batch.readInt16BE(ATTRIBUTES_OFFSET) & CODEC_MASK) === ZSTD_CODEC;
}

/**
 * Splits a Produce request's record set into its RecordBatch v2 batches (one, usually; several back to back
 * are accepted). Magic 0/1 message sets are refused with INVALID_RECORD, as Kafka does for Produce v3+; a
 * record set that ends inside a batch is CORRUPT_BATCH. The batches are views of the request's bytes.
 */
export function splitRecordSet(records: Buffer | null): Buffer[] {
  if (records === null || records.length === 0) {
    throw new KlogError('INVALID_RECORD', 'a produce request must carry at least one record batch');
  }
  const batches: Buffer[] = [];
  let pos = 0;
  while (pos < records.length) {
    if (records.length - pos <= MAGIC_OFFSET) {
      throw new KlogError('CORRUPT_BATCH', `record set ends inside a batch header at byte ${pos}`);
    }
    const magic = records.readInt8(pos + MAGIC_OFFSET);
    if (magic !== RECORD_BATCH_MAGIC) {
      throw new KlogError('INVALID_RECORD', `message format magic ${magic} is not supported; klog stores RecordBatch v2 (magic 2) only`);
    }
    const size = batchSizeAt(records, pos);
    if (size < BATCH_HEADER_SIZE || pos + size > records.length) {
      throw new KlogError('CORRUPT_BATCH', `batch at byte ${pos} declares ${size} bytes; ${records.length - pos} are present`);
    }
    batches.push(records.subarray(pos, pos + size));
    pos += size;
  }
  return batches;
}
