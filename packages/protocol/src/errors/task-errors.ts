import type { ErrorInfo } from '@klog/log-core';

/**
 * Codes that @klog/tasks raises. They never travel over the wire (tasks are a client-side layer over queue mode),
 * so their Kafka number is -1 and none is retriable by the client's own retry loops. They live in the one table
 * all the same, so that every code has one row, and the CLI finds a hint for each.
 */
export type TaskErrorCode =
  | 'TASK_FAILED'
  | 'TASK_REVOKED'
  | 'TASK_TIMEOUT'
  | 'RESULT_TIMEOUT'
  | 'UNSERIALISABLE_VALUE'
  | 'UNKNOWN_TASK'
  | 'DUPLICATE_TASK'
  | 'INVALID_SCHEDULE'
  | 'TASKS_CLOSED';

function row(hint: string): ErrorInfo {
  return { retriable: false, refreshMetadata: false, rejoin: false, kafkaCode: -1, hint };
}

/** The task codes, with what a person can do about each (rendered into docs/errors.md). */
export const TASK_ERRORS = {
  TASK_FAILED: row('the task threw on its last attempt: its error and stack are in `klog task status <id>` and the dead-letter topic; fix the cause and `klog task retry <id>`'),
  TASK_REVOKED: row('the task was revoked (tasks.revoke or `klog task revoke`): enqueue it again if it is still wanted'),
  TASK_TIMEOUT: row('an attempt ran longer than the task\'s timeoutMs: raise timeoutMs, or make the handler honour ctx.signal'),
  RESULT_TIMEOUT: row('no result within the wait: is a worker running (`klog worker ./tasks.js`)? Wait longer or check `klog task status <id>`'),
  UNSERIALISABLE_VALUE: row('task arguments and results must be msgpack-serialisable (plain data, Buffers, Dates, Maps, Sets): pass ids or plain objects instead'),
  UNKNOWN_TASK: row('no task of that name is defined in this process: define it (tasks.define) in the module the worker imports'),
  DUPLICATE_TASK: row('a task name can be defined once per tasks object: pick another name'),
  INVALID_SCHEDULE: row('intervals look like 30s, 5m, 1h; cron has five fields (minute hour day-of-month month day-of-week)'),
  TASKS_CLOSED: row('the tasks object was closed: create another with createTasks()'),
} as const satisfies Record<TaskErrorCode, ErrorInfo>;
