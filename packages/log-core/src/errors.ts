/**
 * Every failure klog reports is a KlogError: a stable machine-readable `code` (what a program branches on,
 * and what travels over the wire) and a message a person can act on.
 */
export type ErrorCode =
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
  | 'STORE_LOCKED'
  | 'STORE_CLOSED'
  | 'UNSUPPORTED_FORMAT'
  // consumer groups (names follow Kafka's error names where Kafka has one)
  | 'INVALID_GROUP_ID'
  | 'GROUP_ID_NOT_FOUND'
  | 'UNKNOWN_MEMBER_ID'
  | 'ILLEGAL_GENERATION'
  | 'REBALANCE_IN_PROGRESS'
  | 'INCONSISTENT_GROUP_PROTOCOL'
  | 'INVALID_SESSION_TIMEOUT'
  | 'NON_EMPTY_GROUP'
  | 'PARTITION_NOT_ASSIGNED'
  | 'INVALID_COMMIT_OFFSET'
  | 'INVALID_SUBSCRIPTION'
  | 'COORDINATOR_NOT_AVAILABLE'
  // idempotent producers and storage
  | 'OUT_OF_ORDER_SEQUENCE'
  | 'INVALID_PRODUCER_EPOCH'
  | 'STORAGE_ERROR'
  // broker protocol and client
  | 'INVALID_REQUEST'
  | 'UNKNOWN_API'
  | 'UNSUPPORTED_VERSION'
  | 'FRAME_TOO_LARGE'
  | 'TOO_MANY_CONNECTIONS'
  | 'BROKER_SHUTTING_DOWN'
  | 'BROKER_NOT_AVAILABLE'
  | 'CONNECTION_LOST'
  | 'REQUEST_TIMED_OUT'
  | 'CLIENT_CLOSED';

export class KlogError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KlogError';
    this.code = code;
  }
}

export function isKlogError(err: unknown, code?: ErrorCode): err is KlogError {
  return err instanceof KlogError && (code === undefined || err.code === code);
}
