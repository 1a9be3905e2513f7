import { KlogError } from '@klog/log-core';
import { errorInfoOf, internalError } from '@klog/protocol';
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
  NETWORK_EXCEPTION: 13,
  COORDINATOR_NOT_AVAILABLE: 15,
  INVALID_TOPIC_EXCEPTION: 17,
  INVALID_REQUIRED_ACKS: 21,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  INVALID_GROUP_ID: 24,
  UNKNOWN_MEMBER_ID: 25,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  TOPIC_AUTHORIZATION_FAILED: 29,
  GROUP_AUTHORIZATION_FAILED: 30,
  CLUSTER_AUTHORIZATION_FAILED: 31,
  // SASL: the security codes' numbers, for when the Kafka listener authenticates.
  UNSUPPORTED_SASL_MECHANISM: 33,
  ILLEGAL_SASL_STATE: 34,
  UNSUPPORTED_VERSION: 35,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_REPLICA_ASSIGNMENT: 39,
  INVALID_CONFIG: 40,
  INVALID_REQUEST: 42,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  INVALID_PRODUCER_EPOCH: 47,
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 53,
  KAFKA_STORAGE_ERROR: 56,
  SASL_AUTHENTICATION_FAILED: 58,
  NON_EMPTY_GROUP: 68,
  FETCH_SESSION_ID_NOT_FOUND: 70,
  GROUP_ID_NOT_FOUND: 69,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  OFFSET_NOT_AVAILABLE: 78,
  MEMBER_ID_REQUIRED: 79,
  FENCED_INSTANCE_ID: 82,
  GROUP_SUBSCRIBED_TO_TOPIC: 86,
  INVALID_RECORD: 87,
  UNKNOWN_TOPIC_ID: 100,
  // Share groups (queue mode): an acknowledgement the share partition cannot apply.
  INVALID_RECORD_STATE: 121,
} as const;

/**
 * The Kafka error code for a failure, from the error table's kafkaCode (the one place codes are mapped);
 * anything that is not a KlogError is the server's own fault.
 */
export function kafkaErrorCode(err: unknown): number {
  return errorInfoOf(err)?.kafkaCode ?? KafkaError.UNKNOWN_SERVER_ERROR;
}

/**
 * kafkaErrorCode, logging what is not a KlogError (a bug or an I/O failure) once, with its stack and an id, as
 * the native listener does: a person must see those. Kafka's answers have no room for the id's message.
 */
export function reportedErrorCode(err: unknown, logger: Logger, context: Record<string, unknown>): number {
  if (!(err instanceof KlogError)) internalError(err, logger.child(context));
  return kafkaErrorCode(err);
}
