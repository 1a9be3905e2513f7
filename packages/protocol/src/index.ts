// Public API of @klog/protocol: klog's native wire protocol, shared by the broker and its clients.
export { APIS, API_VERSIONS, isApiName } from './apis.js';
export type { ApiName, RequestOf, ResponseOf, VersionRange, ApiVersionTable } from './apis.js';
export type { ApiDefinition } from './api-definition.js';
export type { Field, Shape, Infer } from './schema.js';
export { PROTOCOL_NAME, LATEST_TIMESTAMP, EARLIEST_TIMESTAMP, REQUEST_HEADER_KEYS } from './constants.js';
export type { Acks } from './constants.js';
export { FETCH_DEFAULTS, FETCH_MAX_WAIT_MS } from './apis/fetch.js';
export type { Subscription } from './apis/common.js';
export type { ResetTo } from './apis/reset-offsets.js';
export { SHARE_FETCH_DEFAULTS } from './apis/share-fetch.js';
export { SHARE_RECORD, groupDeliveries, shareRecordHeaders } from './apis/share-records.js';
export type { ShareRecordGroup, DeliveredRecord } from './apis/share-records.js';
export { MAX_ACKS_PER_RANGED_REQUEST, toAckRanges, fromAckRanges } from './apis/share-ack-ranges.js';
export type { ShareAck, AckRange, AckRangeGroup } from './apis/share-ack-ranges.js';
export type { ShareAckOutcome, ShareAckFailure, AckCoordinates } from './apis/share-ack-outcome.js';
export type { QueueResetTo } from './apis/reset-queue.js';
export {
  encodeRequest, splitRequest, decodeRequest, encodeResponse, encodeErrorResponse, splitResponse, decodeResponse, CONNECTION_CORRELATION_ID,
} from './messages.js';
export type { RequestHeader } from './messages.js';
export { negotiateVersion, versionTableOf } from './version-negotiation.js';
export { FRAME_HEADER_BYTES, encodeFrame, decodeBody, FrameTooLargeError, FrameReader } from './frame-codec.js';
// msgpack written by hand, byte for byte as msgpackr writes it (for records encoded in a hot path).
export { MsgpackWriter, encodedKey } from './msgpack-writer.js';
export { toWireError, fromWireError, internalError } from './wire-error.js';
export { CLEANUP_POLICY_CODES, topicSettingsFromWire, topicSettingsToWire } from './topic-config-wire.js';
export type { WireError } from './wire-error.js';
export {
  ERROR_TABLE, errorCodes, errorInfo, errorInfoOf, isErrorCode, isRetriable, needsMetadataRefresh, needsRejoin,
} from './errors/error-table.js';
export type { ErrorCode } from './errors/error-table.js';
export { GROUP_ERRORS } from './errors/group-errors.js';
export type { GroupErrorCode } from './errors/group-errors.js';
export { QUEUE_ERRORS } from './errors/queue-errors.js';
export { TASK_ERRORS, type TaskErrorCode } from './errors/task-errors.js';
export type { QueueErrorCode } from './errors/queue-errors.js';
export { BROKER_ERRORS } from './errors/broker-errors.js';
export type { BrokerErrorCode } from './errors/broker-errors.js';
export { SECURITY_ERRORS } from './errors/security-errors.js';
export type { SecurityErrorCode } from './errors/security-errors.js';
// KlogError is log-core's one class; re-exported so a package that raises protocol codes imports it from here.
export { KlogError, isKlogError, STORAGE_ERRORS } from '@klog/log-core';
export type { ErrorInfo, StorageErrorCode } from '@klog/log-core';
export { QueueAcknowledgements } from './queue-acknowledgements.js';
export type { QueueAckType, QueueAckOptions } from './queue-acknowledgements.js';
export { ACL_OPERATIONS, ACL_RESOURCE_TYPES, CLUSTER_RESOURCE } from './apis/acl-fields.js';
export type { AclOperation, AclResourceType } from './apis/acl-fields.js';
export { SCRAM_MECHANISMS, parseScramMechanism } from './sasl/scram-mechanism.js';
export type { ScramMechanism } from './sasl/scram-mechanism.js';
export { checkIterations, deriveScramCredential, deriveScramCredentials, DEFAULT_SCRAM_ITERATIONS, MIN_SCRAM_ITERATIONS } from './sasl/scram-credential.js';
export type { ScramCredential } from './sasl/scram-credential.js';
export { ScramClient } from './sasl/scram-client.js';
export { ScramServer, AUTHENTICATION_FAILED_MESSAGE } from './sasl/scram-server.js';
export { pacedRedrive } from './redrive-pacing.js';
export type { PacedRedriveOptions, PacingClock } from './redrive-pacing.js';
export { runQueueHandlers } from './queue-runner.js';
export type { QueueRunHost, QueueHandler, QueuePrefetch, RunnableMessage } from './queue-runner.js';
export { AUTO_PREFETCH_MAX } from './queue-prefetch.js';
