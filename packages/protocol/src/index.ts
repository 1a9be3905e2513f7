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
export {
  encodeRequest, splitRequest, decodeRequest, encodeResponse, encodeErrorResponse, splitResponse, decodeResponse, CONNECTION_CORRELATION_ID,
} from './messages.js';
export type { RequestHeader } from './messages.js';
export { negotiateVersion, versionTableOf } from './version-negotiation.js';
export { FRAME_HEADER_BYTES, encodeFrame, decodeBody, FrameTooLargeError, FrameReader } from './frame-codec.js';
export { toWireError, fromWireError, isRetriable } from './wire-error.js';
export type { WireError } from './wire-error.js';
