import type { ServerResponse } from 'node:http';
import { isKlogError, KlogError, type ErrorCode } from '@klog/log-core';
import type { Logger } from 'pino';
import { sendJson } from './respond.js';

/** The HTTP status of each code the API can answer with; any other KlogError is a bad request. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  NOT_FOUND: 404,
  UNKNOWN_TOPIC: 404,
  UNKNOWN_PARTITION: 404,
  GROUP_ID_NOT_FOUND: 404,
  UNKNOWN_QUEUE: 404,
  AUTHENTICATION_REQUIRED: 401,
  SASL_AUTHENTICATION_FAILED: 401,
  FORBIDDEN: 403,
  TOPIC_AUTHORIZATION_FAILED: 403,
  GROUP_AUTHORIZATION_FAILED: 403,
  CLUSTER_AUTHORIZATION_FAILED: 403,
  NON_EMPTY_GROUP: 409,
  TOPIC_EXISTS: 409,
  BODY_TOO_LARGE: 413,
  TOO_MANY_CONNECTIONS: 429,
  INTERNAL_ERROR: 500,
  STORAGE_ERROR: 503,
  STORE_CLOSED: 503,
  BROKER_STARTING: 503,
  BROKER_SHUTTING_DOWN: 503,
  COORDINATOR_NOT_AVAILABLE: 503,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code] ?? 400;
}

/**
 * Answers `{ error: { code, message } }`. A KlogError keeps its code and message; anything else is a bug,
 * logged with its stack under a short id that the answer names (the message of an unexpected error may say
 * more about the machine than a browser should see).
 */
export function sendError(res: ServerResponse, err: unknown, logger: Logger): void {
  let error: KlogError;
  if (isKlogError(err)) {
    error = err;
  } else {
    const id = Math.random().toString(16).slice(2, 10);
    logger.error({ err, id }, 'HTTP request failed');
    error = new KlogError('INTERNAL_ERROR', `internal broker error (id ${id}); the broker log has the stack`);
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, statusOf(error.code), { error: { code: error.code, message: error.message } });
}
