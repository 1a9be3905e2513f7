// Public API of @klog/protocol: klog's native wire protocol, shared by the broker and its clients.
export { API_VERSIONS, PROTOCOL_NAME, LATEST_TIMESTAMP, EARLIEST_TIMESTAMP } from './apis.js';
export type { ApiName, Acks } from './apis.js';
export { obj, int, str, optStr, bool, bytes, optBytes, arr, strings, objects } from './fields.js';
export type { Obj } from './fields.js';
export { FRAME_HEADER_BYTES, encodeFrame, decodeBody, FrameTooLargeError, FrameReader } from './frame-codec.js';
export { toWireError, fromWireError, isRetriable } from './wire-error.js';
export type { WireError } from './wire-error.js';
