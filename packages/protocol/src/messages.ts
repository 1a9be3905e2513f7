import { KlogError } from '@klog/log-core';
import { APIS, type ApiName, type RequestOf, type ResponseOf } from './apis.js';
import { REQUEST_HEADER_KEYS } from './constants.js';
import { encodeFrame } from './frame-codec.js';
import type { Obj } from './fields.js';
import type { WireError } from './wire-error.js';

/**
 * Requests and responses as frames. A frame's msgpack map holds the header fields (api, version, correlationId
 * in a request; correlationId in a response) next to the body's fields; these functions keep the two apart, so
 * a header field never reaches a handler or a caller, and a body never carries one.
 */
export interface RequestHeader {
  api: string;
  version: number;
  correlationId: number;
}

/** Correlation id of answers about the connection itself rather than a request (it is then closed). */
export const CONNECTION_CORRELATION_ID = -1;

export function encodeRequest<A extends ApiName>(api: A, version: number, correlationId: number, body: RequestOf<A>): Buffer {
  const fields = (APIS[api].request as { write(v: RequestOf<A>, version: number): unknown }).write(body, version) as Obj;
  return encodeFrame({ api, version, correlationId, ...fields });
}

/**
 * Splits a decoded request frame into header and body. A header that cannot be read yields the reason instead,
 * with the correlation id when there is one to answer to.
 */
export function splitRequest(message: unknown): { header: RequestHeader; body: Obj } | { problem: string; correlationId: number | null } {
  if (typeof message !== 'object' || message === null || Array.isArray(message) || message instanceof Uint8Array) {
    return { problem: 'a request must be a msgpack map', correlationId: null };
  }
  const { api, version, correlationId, ...body } = message as Obj;
  const id = Number.isSafeInteger(correlationId) && correlationId !== CONNECTION_CORRELATION_ID ? (correlationId as number) : null;
  if (typeof api !== 'string' || !Number.isSafeInteger(version) || id === null) {
    return { problem: `a request needs { ${REQUEST_HEADER_KEYS.map((k) => `${k}: ${k === 'api' ? 'string' : 'integer'}`).join(', ')} }`, correlationId: id };
  }
  return { header: { api, version: version as number, correlationId: id }, body };
}

/** Reads and validates a request body; a bad field throws INVALID_REQUEST naming its path (e.g. fetch.topics[0].topic). */
export function decodeRequest<A extends ApiName>(api: A, version: number, body: Obj): RequestOf<A> {
  return APIS[api].request.read(body, api, version) as RequestOf<A>;
}

export function encodeResponse<A extends ApiName>(api: A, version: number, correlationId: number, body: ResponseOf<A>): Buffer {
  const fields = (APIS[api].response as { write(v: ResponseOf<A>, version: number): unknown }).write(body, version) as Obj;
  return encodeFrame({ correlationId, ...fields });
}

/** An answer that is only an error: the request as a whole failed (or, with correlation id -1, the connection). */
export function encodeErrorResponse(correlationId: number, error: WireError): Buffer {
  return encodeFrame({ correlationId, errorCode: error.errorCode, errorMessage: error.errorMessage });
}

/** A decoded response frame: its correlation id, a top-level error if the request failed, and the body. */
export function splitResponse(message: unknown): { correlationId: number; error: WireError | null; body: Obj } | null {
  if (typeof message !== 'object' || message === null || Array.isArray(message) || message instanceof Uint8Array) return null;
  const { correlationId, ...body } = message as Obj;
  if (!Number.isSafeInteger(correlationId)) return null;
  const error = typeof body.errorCode === 'string'
    ? { errorCode: body.errorCode, errorMessage: typeof body.errorMessage === 'string' ? body.errorMessage : body.errorCode } as WireError
    : null;
  return { correlationId: correlationId as number, error, body };
}

/**
 * Reads and validates a response body. A broker answering with the wrong shape is a bug on its side: it is
 * reported with the field's path, rather than as a TypeError deep in the client.
 */
export function decodeResponse<A extends ApiName>(api: A, version: number, body: Obj): ResponseOf<A> {
  try {
    return APIS[api].response.read(body, api, version) as ResponseOf<A>;
  } catch (err) {
    if (err instanceof KlogError) throw new KlogError(err.code, `the broker's ${api} answer is malformed: ${err.message}`);
    throw err;
  }
}
