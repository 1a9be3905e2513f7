import { randomBytes } from 'node:crypto';
import { KlogError, type Logger } from '@klog/log-core';
import { isErrorCode, type ErrorCode } from './errors/error-table.js';

/** How an error travels in a response: a code a program can branch on and a message a person can act on. */
export interface WireError {
  errorCode: ErrorCode;
  errorMessage: string;
}

/** Unexpected errors already logged, so an error answered in several places (partitions) is logged once. */
const reported = new WeakMap<object, KlogError<'INTERNAL_ERROR'>>();

/**
 * What the broker makes of an error that is not a KlogError (a bug, or an I/O failure no code describes): it
 * logs it once, with its stack, under a short id, and answers a non-retriable INTERNAL_ERROR that carries the
 * id, so a person holding the client's message can find the stack in the broker's log. Not retriable: the
 * same request would most likely fail the same way, and a client retrying it would hide the failure.
 */
export function internalError(err: unknown, log: Logger): KlogError<'INTERNAL_ERROR'> {
  const key = typeof err === 'object' && err !== null ? err : null;
  const seen = key && reported.get(key);
  if (seen) return seen;
  const id = randomBytes(4).toString('hex');
  const detail = err instanceof Error ? err.message : String(err);
  const internal = new KlogError('INTERNAL_ERROR', `internal broker error (id ${id}): ${detail}; the broker log has the stack`, { cause: err });
  log.error({ err, errorId: id }, `unexpected error (id ${id}), answered as INTERNAL_ERROR`);
  if (key) reported.set(key, internal);
  return internal;
}

/** An error as it goes into a response; anything but a KlogError is logged and sent as INTERNAL_ERROR. */
export function toWireError(err: unknown, log: Logger): WireError {
  const e = err instanceof KlogError ? err : internalError(err, log);
  return { errorCode: e.code, errorMessage: e.message };
}

/**
 * The error a response carries, as a KlogError. A code this side does not know (a newer peer's) is not cast
 * into one it does: it becomes a non-retriable UNKNOWN_ERROR_CODE whose message keeps the code's text.
 */
export function fromWireError(e: { errorCode?: unknown; errorMessage?: unknown }, context: string): KlogError {
  const prefix = context ? `${context}: ` : '';
  const message = typeof e.errorMessage === 'string' && e.errorMessage !== '' ? e.errorMessage : undefined;
  if (isErrorCode(e.errorCode)) return new KlogError(e.errorCode, `${prefix}${message ?? `error ${e.errorCode}`}`);
  const shown = typeof e.errorCode === 'string' ? e.errorCode : String(JSON.stringify(e.errorCode));
  return new KlogError('UNKNOWN_ERROR_CODE',
    `${prefix}the broker answered with error code ${shown}, which this client does not know${message ? ` (${message})` : ''}; is the broker newer than the client?`);
}
