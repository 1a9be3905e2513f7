/**
 * Every failure klog reports is a KlogError: a stable machine-readable `code` (what a program branches on,
 * and what travels over the wire) and a message a person can act on.
 *
 * Codes are data: each package that defines codes keeps one table of them (code → ErrorInfo), and everything
 * that decides what to do about an error (retry, refresh metadata, rejoin a group, which Kafka number to send,
 * what to tell a person) reads that table rather than keeping its own list. log-core owns the storage codes
 * below; @klog/protocol owns the group, broker-protocol and client codes and adds them to
 * KlogErrorCodeRegistry, so KlogError stays one class (`instanceof` works everywhere) while log-core knows
 * nothing of codes it never raises.
 */

/** What a program (and a person) should do about an error with a given code. */
export interface ErrorInfo {
  /** The same request may succeed if sent again, after a backoff. */
  readonly retriable: boolean;
  /** A client should ask the broker for fresh metadata (topics, partitions) before retrying. */
  readonly refreshMetadata: boolean;
  /** A group member should join its group again (its membership or generation is no longer current). */
  readonly rejoin: boolean;
  /** The Kafka protocol error number the Kafka listener sends for it (-1 UNKNOWN_SERVER_ERROR: none fits). */
  readonly kafkaCode: number;
  /** What a person can do next, in a phrase (for the CLI and docs/errors.md). */
  readonly hint: string;
}

/** Codes the storage engine raises. */
export type StorageErrorCode =
  | 'INVALID_TOPIC_NAME'
  | 'UNKNOWN_TOPIC'
  | 'UNKNOWN_PARTITION'
  | 'TOPIC_EXISTS'
  | 'INVALID_CONFIG'
  | 'INVALID_RECORD'
  | 'RECORD_TOO_LARGE'
  | 'INVALID_BATCH'
  | 'CORRUPT_BATCH'
  | 'CORRUPT_DATA'
  | 'OFFSET_OUT_OF_RANGE'
  | 'UNSUPPORTED_COMPRESSION'
  | 'UNSUPPORTED_FORMAT'
  | 'STORE_LOCKED'
  | 'STORE_CLOSED'
  | 'OUT_OF_ORDER_SEQUENCE'
  | 'INVALID_PRODUCER_EPOCH'
  | 'STORAGE_ERROR';

/**
 * The codes a KlogError may carry: each package that owns codes merges its own into this interface (TypeScript
 * declaration merging; the values are unused). A code no loaded package defines is a compile error.
 */
export interface KlogErrorCodeRegistry extends Record<StorageErrorCode, true> {}

/** Every code known where this is compiled: the storage codes, plus those of @klog/protocol once it is imported. */
export type ErrorCode = keyof KlogErrorCodeRegistry;

function row(retriable: boolean, kafkaCode: number, hint: string, more: { refreshMetadata?: boolean } = {}): ErrorInfo {
  return { retriable, refreshMetadata: more.refreshMetadata ?? false, rejoin: false, kafkaCode, hint };
}

/** The storage codes. Kafka numbers from Kafka's protocol error list. */
export const STORAGE_ERRORS = {
  INVALID_TOPIC_NAME: row(false, 17, 'use 1-249 characters from [a-zA-Z0-9._-]; names starting with "__" are the broker\'s'),
  UNKNOWN_TOPIC: row(false, 3, 'list topics with: klog topic list', { refreshMetadata: true }),
  UNKNOWN_PARTITION: row(false, 3, 'see the partitions with: klog topic describe <topic>', { refreshMetadata: true }),
  TOPIC_EXISTS: row(false, 36, 'see it with: klog topic describe <topic>'),
  INVALID_CONFIG: row(false, 40, 'see: klog <command> --help'),
  INVALID_RECORD: row(false, 87, 'send each record as { key?, value: Buffer | null, headers? }'),
  RECORD_TOO_LARGE: row(false, 10, 'send smaller records, or raise the topic\'s maxBatchBytes'),
  INVALID_BATCH: row(false, 87, 'send exactly one RecordBatch v2 (magic 2) per partition'),
  CORRUPT_BATCH: row(false, 2, 'the batch was damaged on the way or encoded wrongly: send it again from the source'),
  CORRUPT_DATA: row(false, 56, 'a file in the data directory is damaged: restore it from a backup or fix it by hand'),
  OFFSET_OUT_OF_RANGE: row(false, 1, 'ask for an offset between the partition\'s log start and its end (klog topic describe <topic>)'),
  UNSUPPORTED_COMPRESSION: row(false, 76, 'use compression none, gzip, snappy, lz4 or zstd'),
  UNSUPPORTED_FORMAT: row(false, -1, 'the data directory was written by a newer klog: run that version, or use another --data-dir'),
  STORE_LOCKED: row(false, -1, 'stop that process or use another directory'),
  STORE_CLOSED: row(false, 56, 'the store was closed (the broker is stopping): start it again'),
  OUT_OF_ORDER_SEQUENCE: row(false, 45, 'a batch before this one was lost: the producer starts a new sequence; send again'),
  INVALID_PRODUCER_EPOCH: row(false, 47, 'another producer took over this producer id: close this one'),
  // Kafka too treats a storage error as retriable: the disk may come back (space freed, volume remounted).
  STORAGE_ERROR: row(true, 56, 'check the broker\'s disk (space, permissions) and its log'),
} as const satisfies Record<StorageErrorCode, ErrorInfo>;

export class KlogError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KlogError';
    this.code = code;
  }
}

export function isKlogError<C extends ErrorCode = ErrorCode>(err: unknown, code?: C): err is KlogError<C> {
  return err instanceof KlogError && (code === undefined || err.code === code);
}
