/**
 * A RecordBatch v2 written one record at a time, for a producer that gathers records over time (linger): each
 * record's bytes are copied in as it is appended, so the caller's keys, values and record objects are garbage at
 * once instead of living until the batch is sealed and answered. {@link BatchBuilder.finish} then gives exactly
 * the bytes {@link encodeBatch} gives for the same records and options.
 */
import { KlogError } from '../errors.js';
import type { Compression, Header } from '../types.js';
import { compress } from '../compression/codecs.js';
import { fieldsBodySize, writeFields } from './record.js';
import { allocBatch, BATCH_HEADER_SIZE, writeBatchHeader, type EncodeOptions } from './record-batch.js';
import { sizeOfVarint } from './varint.js';

/** What {@link BatchBuilder.finish} stamps on the batch; the records decide the rest. */
export type BatchStamp = Pick<EncodeOptions, 'baseOffset' | 'producerId' | 'producerEpoch' | 'baseSequence'>;

/** Room the first records get when the caller gives no better guess. */
const DEFAULT_CAPACITY = 16 * 1024;
/** A finished batch that would leave more than this share of its buffer unused is copied to a tight one. */
const MAX_SLACK = 0.25;
const EMPTY = Buffer.alloc(0);

export class BatchBuilder {
  /** Header room, then the (uncompressed) records written so far. */
  private buf: Buffer;
  private end = BATCH_HEADER_SIZE;
  private count = 0;
  private baseTimestamp = 0;
  private maxTimestamp = 0;
  /** The batch once finished: later finish calls re-stamp it in place. */
  private done: Buffer | null = null;

  /**
   * `capacity`: bytes of records to make room for now; the buffer doubles as needed, but not past `maxBytes` (the
   * size the caller means to seal the batch at) unless a record needs it.
   */
  constructor(private readonly compression: Compression = 'none', capacity = DEFAULT_CAPACITY, private readonly maxBytes = Infinity) {
    this.buf = Buffer.allocUnsafe(BATCH_HEADER_SIZE + Math.max(capacity, 64));
  }

  get recordCount(): number {
    return this.count;
  }

  /** Bytes of the records appended so far, before compression. */
  get recordBytes(): number {
    return this.end - BATCH_HEADER_SIZE;
  }

  /**
   * Appends one record (offset delta = records before it). Throws INVALID_RECORD, appending nothing, for a field
   * of the wrong type or a timestamp that is not an integer or too far from the first record's.
   */
  append(key: Buffer | null | undefined, value: Buffer | null, timestamp: number, headers?: Header[]): void {
    if (this.done) throw new KlogError('INVALID_BATCH', 'records cannot be appended to a finished batch');
    const index = this.count;
    if (!Number.isSafeInteger(timestamp)) {
      throw new KlogError('INVALID_RECORD', `record ${index}: timestamp must be an integer (ms), got ${timestamp}`);
    }
    const base = index === 0 ? timestamp : this.baseTimestamp;
    const delta = timestamp - base;
    if (!Number.isSafeInteger(delta)) {
      throw new KlogError('INVALID_RECORD', `record ${index}: timestamp ${timestamp} is too far from the first record's`);
    }
    const body = fieldsBodySize(key, value, headers, index, delta);
    const size = sizeOfVarint(body) + body;
    if (this.end + size > this.buf.length) this.grow(this.end + size);
    this.end = writeFields(this.buf, this.end, key, value, headers, body, index, delta);
    if (index === 0) this.baseTimestamp = this.maxTimestamp = timestamp;
    else if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    this.count++;
  }

  /**
   * The batch, with these producer fields and base offset. No record may be appended afterwards; calling it again
   * (e.g. with a new producer id after a sequence restart) re-stamps the same bytes and returns them.
   */
  finish(stamp: BatchStamp = {}): Buffer {
    if (this.count === 0) throw new KlogError('INVALID_RECORD', 'a batch needs at least one record');
    if (!this.done) {
      this.done = this.seal();
      this.buf = EMPTY; // the records now live in `done` only
    }
    writeBatchHeader(this.done, { ...stamp, compression: this.compression },
      { count: this.count, baseTimestamp: this.baseTimestamp, maxTimestamp: this.maxTimestamp });
    return this.done;
  }

  private seal(): Buffer {
    if (this.compression !== 'none') {
      const packed = compress(this.buf.subarray(BATCH_HEADER_SIZE, this.end), this.compression);
      const batch = allocBatch(BATCH_HEADER_SIZE + packed.length);
      batch.set(packed, BATCH_HEADER_SIZE);
      return batch;
    }
    allocBatch(this.end); // only for its size check
    if (this.buf.length - this.end <= this.buf.length * MAX_SLACK) return this.buf.subarray(0, this.end);
    const tight = Buffer.allocUnsafe(this.end);
    this.buf.copy(tight, BATCH_HEADER_SIZE, BATCH_HEADER_SIZE, this.end);
    return tight;
  }

  private grow(needed: number): void {
    // A record past maxBytes gets an eighth more than it needs, so a run of them does not copy once per record.
    const bigger = Buffer.allocUnsafe(Math.max(needed + (needed >> 3), Math.min(this.buf.length * 2, BATCH_HEADER_SIZE + this.maxBytes)));
    this.buf.copy(bigger, BATCH_HEADER_SIZE, BATCH_HEADER_SIZE, this.end);
    this.buf = bigger;
  }
}
