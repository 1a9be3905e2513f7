/**
 * A task's states, Celery's names: PENDING (enqueued, or unknown: an id nobody has written about reads as
 * PENDING, as in Celery), STARTED (a worker runs it), RETRY (an attempt failed; the next waits for its backoff),
 * SUCCESS, FAILURE (the last attempt failed), REVOKED (cancelled).
 */
export type TaskState = 'PENDING' | 'STARTED' | 'RETRY' | 'SUCCESS' | 'FAILURE' | 'REVOKED';

export const TASK_STATES: readonly TaskState[] = ['PENDING', 'STARTED', 'RETRY', 'SUCCESS', 'FAILURE', 'REVOKED'];

/** States after which nothing runs again unless the task is enqueued anew (`klog task retry`). */
export function isFinal(state: TaskState): boolean {
  return state === 'SUCCESS' || state === 'FAILURE' || state === 'REVOKED';
}

/** An error as the results topic keeps it: enough to show a person and to rebuild a thrown error. */
export interface TaskErrorInfo {
  name: string;
  message: string;
  stack?: string;
}

export function errorInfoOfThrown(err: unknown): TaskErrorInfo {
  if (err instanceof Error) return { name: err.name, message: err.message, ...(err.stack === undefined ? {} : { stack: err.stack }) };
  return { name: 'Error', message: String(err) };
}
