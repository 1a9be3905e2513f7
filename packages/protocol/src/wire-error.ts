import { KlogError, type ErrorCode } from '@klog/log-core';

/** How an error travels in a response: a code a program can branch on and a message a person can act on. */
export interface WireError {
  errorCode: ErrorCode;
  errorMessage: string;
}

export function toWireError(err: unknown): WireError {
  if (err instanceof KlogError) return { errorCode: err.code, errorMessage: err.message };
  return { errorCode: 'STORAGE_ERROR', errorMessage: `internal broker error: ${(err as Error)?.message ?? String(err)}` };
}

export function fromWireError(e: { errorCode?: unknown; errorMessage?: unknown }, context: string): KlogError {
  const code = (typeof e.errorCode === 'string' ? e.errorCode : 'INVALID_REQUEST') as ErrorCode;
  const message = typeof e.errorMessage === 'string' ? e.errorMessage : `error ${code}`;
  return new KlogError(code, context ? `${context}: ${message}` : message);
}

/** Errors after which the same request may succeed if sent again (to the broker once it is back). */
const RETRIABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'BROKER_NOT_AVAILABLE', 'CONNECTION_LOST', 'REQUEST_TIMED_OUT', 'BROKER_SHUTTING_DOWN', 'STORAGE_ERROR',
  'TOO_MANY_CONNECTIONS', 'REBALANCE_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE',
]);

export function isRetriable(err: unknown): boolean {
  return err instanceof KlogError && RETRIABLE.has(err.code);
}
