// Public API of @klog/tasks: background tasks (Celery/BullMQ-style) on klog's queue mode. Other packages import only from here.
export { createTasks, Tasks } from './tasks.js';
export type { ScheduleOptions, TasksEvents, TasksOptions } from './tasks.js';
export { TaskDefinition } from './task-definition.js';
export type { ScheduleWhen, TaskHandle } from './task-definition.js';
export type { TaskContext, TaskHandler } from './task-context.js';
export type { TaskOptions } from './task-options.js';
export type { BackoffOptions } from './backoff.js';
export { retryDelay } from './backoff.js';
export { TaskFailedError } from './task-info.js';
export type { TaskInfo } from './task-info.js';
export { TASK_STATES, isFinal } from './task-state.js';
export type { TaskErrorInfo, TaskState } from './task-state.js';
export type { WorkerOptions } from './worker.js';
export { Worker } from './worker.js';
export { parseCron, nextCronTick, cronMatches } from './cron.js';
export type { CronSchedule } from './cron.js';
export { parseInterval } from './duration.js';
export { TASK_ERRORS } from '@klog/protocol';
export type { TaskErrorCode } from '@klog/protocol';
export { topicsFor } from './transport.js';
export type { TaskTopics } from './transport.js';
// The record formats of the tasks, results and revokes topics (docs/tasks.md), for tools that read those topics.
export { decodeRevokeNotice, decodeStatusRecord, decodeTaskMessage, encodeRevokeNotice, encodeStatusRecord, encodeTaskMessage } from './records.js';
export type { RevokeNotice, TaskMessage, TaskStatusRecord } from './records.js';
