import { KlogError, STORAGE_ERRORS, type ErrorInfo, type StorageErrorCode } from '@klog/log-core';
import { BROKER_ERRORS, type BrokerErrorCode } from './broker-errors.js';
import { GROUP_ERRORS, type GroupErrorCode } from './group-errors.js';
import { QUEUE_ERRORS, type QueueErrorCode } from './queue-errors.js';
import { SECURITY_ERRORS, type SecurityErrorCode } from './security-errors.js';
import { TASK_ERRORS, type TaskErrorCode } from './task-errors.js';

/** Every code a KlogError can carry, across the packages: what travels in a response's errorCode. */
export type ErrorCode = StorageErrorCode | GroupErrorCode | BrokerErrorCode | QueueErrorCode | TaskErrorCode | SecurityErrorCode;

// Teaches KlogError (defined in log-core, which knows only its storage codes) the codes defined here, so
// `new KlogError('REBALANCE_IN_PROGRESS', …)` type-checks in every package that imports @klog/protocol.
declare module '@klog/log-core' {
  interface KlogErrorCodeRegistry extends Record<GroupErrorCode | BrokerErrorCode | QueueErrorCode | TaskErrorCode | SecurityErrorCode, true> {}
}

/** All codes in one table; a code without a row (or a row without a code) does not compile. */
export const ERROR_TABLE = { ...STORAGE_ERRORS, ...GROUP_ERRORS, ...BROKER_ERRORS, ...QUEUE_ERRORS, ...TASK_ERRORS, ...SECURITY_ERRORS } satisfies Record<ErrorCode, ErrorInfo>;

const ALL_CODES: readonly ErrorCode[] = Object.freeze(Object.keys(ERROR_TABLE) as ErrorCode[]);

/** Every code, in table order (storage, group, broker, queue and tasks). */
export function errorCodes(): readonly ErrorCode[] {
  return ALL_CODES;
}

/** True for a string that is one of klog's codes: what turns wire text into a code without a blind cast. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_TABLE, value);
}

export function errorInfo(code: ErrorCode): ErrorInfo {
  return ERROR_TABLE[code];
}

/** The table row of a KlogError; undefined for anything else (or a KlogError built by hand with a foreign code). */
export function errorInfoOf(err: unknown): ErrorInfo | undefined {
  return err instanceof KlogError && isErrorCode(err.code) ? ERROR_TABLE[err.code] : undefined;
}

/** The same request may succeed if sent again (to the broker once it is back). */
export function isRetriable(err: unknown): boolean {
  return errorInfoOf(err)?.retriable ?? false;
}

/** The client's view of topics and partitions may be stale: ask the broker again before retrying. */
export function needsMetadataRefresh(err: unknown): boolean {
  return errorInfoOf(err)?.refreshMetadata ?? false;
}

/** A group member has to join its group again. */
export function needsRejoin(err: unknown): boolean {
  return errorInfoOf(err)?.rejoin ?? false;
}
