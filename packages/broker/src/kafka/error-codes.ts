import { KlogError, type ErrorCode } from '@klog/log-core';
import type { Logger } from 'pino';

/** The Kafka protocol error codes this listener sends (numbers from Kafka's Errors.java). */
export const KafkaError = {
  UNKNOWN_SERVER_ERROR: -1,
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  REQUEST_TIMED_OUT: 7,
  BROKER_NOT_AVAILABLE: 8,
  MESSAGE_TOO_LARGE: 10,
  OFFSET_METADATA_TOO_LARGE: 12,
  COORDINATOR_NOT_AVAILABLE: 15,
  INVALID_TOPIC_EXCEPTION: 17,
  INVALID_REQUIRED_ACKS: 21,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  INVALID_GROUP_ID: 24,
  UNKNOWN_MEMBER_ID: 25,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  UNSUPPORTED_VERSION: 35,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_REPLICA_ASSIGNMENT: 39,
  INVALID_CONFIG: 40,
  INVALID_REQUEST: 42,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  INVALID_PRODUCER_EPOCH: 47,
  KAFKA_STORAGE_ERROR: 56,
  NON_EMPTY_GROUP: 68,
  GROUP_ID_NOT_FOUND: 69,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  INVALID_RECORD: 87,
} as const;

/**
 * klog's error codes as Kafka clients understand them: the one table both directions of meaning go through.
 * Codes a Kafka request cannot produce (native-only ones) fall back to UNKNOWN_SERVER_ERROR.
 */
const FROM_KLOG: Partial<Record<ErrorCode, number>> = {
  INVALID_TOPIC_NAME: KafkaError.INVALID_TOPIC_EXCEPTION,
  UNKNOWN_TOPIC: KafkaError.UNKNOWN_TOPIC_OR_PARTITION,
  UNKNOWN_PARTITION: KafkaError.UNKNOWN_TOPIC_OR_PARTITION,
  TOPIC_EXISTS: KafkaError.TOPIC_ALREADY_EXISTS,
  INVALID_CONFIG: KafkaError.INVALID_CONFIG,
  INVALID_RECORD: KafkaError.INVALID_RECORD,
  RECORD_TOO_LARGE: KafkaError.MESSAGE_TOO_LARGE,
  INVALID_BATCH: KafkaError.INVALID_RECORD,
  CORRUPT_BATCH: KafkaError.CORRUPT_MESSAGE,
  CORRUPT_DATA: KafkaError.KAFKA_STORAGE_ERROR,
  OFFSET_OUT_OF_RANGE: KafkaError.OFFSET_OUT_OF_RANGE,
  UNSUPPORTED_COMPRESSION: KafkaError.UNSUPPORTED_COMPRESSION_TYPE,
  STORE_CLOSED: KafkaError.KAFKA_STORAGE_ERROR,
  STORAGE_ERROR: KafkaError.KAFKA_STORAGE_ERROR,
  INVALID_GROUP_ID: KafkaError.INVALID_GROUP_ID,
  GROUP_ID_NOT_FOUND: KafkaError.GROUP_ID_NOT_FOUND,
  UNKNOWN_MEMBER_ID: KafkaError.UNKNOWN_MEMBER_ID,
  ILLEGAL_GENERATION: KafkaError.ILLEGAL_GENERATION,
  REBALANCE_IN_PROGRESS: KafkaError.REBALANCE_IN_PROGRESS,
  INCONSISTENT_GROUP_PROTOCOL: KafkaError.INCONSISTENT_GROUP_PROTOCOL,
  INVALID_SESSION_TIMEOUT: KafkaError.INVALID_SESSION_TIMEOUT,
  NON_EMPTY_GROUP: KafkaError.NON_EMPTY_GROUP,
  INVALID_COMMIT_OFFSET: KafkaError.OFFSET_METADATA_TOO_LARGE,
  COORDINATOR_NOT_AVAILABLE: KafkaError.COORDINATOR_NOT_AVAILABLE,
  OUT_OF_ORDER_SEQUENCE: KafkaError.OUT_OF_ORDER_SEQUENCE_NUMBER,
  INVALID_PRODUCER_EPOCH: KafkaError.INVALID_PRODUCER_EPOCH,
  INVALID_REQUEST: KafkaError.INVALID_REQUEST,
  UNSUPPORTED_VERSION: KafkaError.UNSUPPORTED_VERSION,
  BROKER_SHUTTING_DOWN: KafkaError.BROKER_NOT_AVAILABLE,
  REQUEST_TIMED_OUT: KafkaError.REQUEST_TIMED_OUT,
};

/** The Kafka error code for a failure; anything that is not a KlogError is the server's own fault. */
export function kafkaErrorCode(err: unknown): number {
  if (err instanceof KlogError) return FROM_KLOG[err.code] ?? KafkaError.UNKNOWN_SERVER_ERROR;
  return KafkaError.UNKNOWN_SERVER_ERROR;
}

/** kafkaErrorCode, logging what is not a KlogError (a bug or an I/O failure): a person must see those. */
export function reportedErrorCode(err: unknown, logger: Logger, context: Record<string, unknown>): number {
  if (!(err instanceof KlogError)) logger.error({ err, ...context }, 'kafka request failed');
  return kafkaErrorCode(err);
}
