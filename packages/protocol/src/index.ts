// Public API of @klog/protocol: klog's native wire protocol, shared by the broker and its clients.
export { API_VERSIONS, PROTOCOL_NAME, LATEST_TIMESTAMP, EARLIEST_TIMESTAMP } from './apis.js';
export type { ApiName, Acks } from './apis.js';
export { obj, int, str, optStr, bool, bytes, optBytes, arr, strings, objects } from './fields.js';
export type { Obj } from './fields.js';
export { FRAME_HEADER_BYTES, encodeFrame, decodeBody, FrameTooLargeError, FrameReader } from './frame-codec.js';
export { toWireError, fromWireError, internalError } from './wire-error.js';
export type { WireError } from './wire-error.js';
export {
  ERROR_TABLE, errorCodes, errorInfo, errorInfoOf, isErrorCode, isRetriable, needsMetadataRefresh, needsRejoin,
} from './errors/error-table.js';
export type { ErrorCode } from './errors/error-table.js';
export { GROUP_ERRORS } from './errors/group-errors.js';
export type { GroupErrorCode } from './errors/group-errors.js';
export { BROKER_ERRORS } from './errors/broker-errors.js';
export type { BrokerErrorCode } from './errors/broker-errors.js';
// KlogError is log-core's one class; re-exported so a package that raises protocol codes imports it from here.
export { KlogError, isKlogError, STORAGE_ERRORS } from '@klog/log-core';
export type { ErrorInfo, StorageErrorCode } from '@klog/log-core';
