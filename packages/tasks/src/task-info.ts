import { KlogError } from '@klog/log-core';
import { decodeValue } from './codec.js';
import type { TaskStatusRecord } from './records.js';
import type { TaskErrorInfo, TaskState } from './task-state.js';

/** What status() answers: a task's state as the results topic has it. */
export interface TaskInfo<R = unknown> {
  id: string;
  /** The task's name (absent while nothing has been written about the id). */
  name?: string;
  state: TaskState;
  /** Attempts begun so far: 0 before the first, 1 while the first runs. */
  attempts: number;
  result?: R;
  error?: TaskErrorInfo;
  progress?: number;
  /** When a RETRY's next attempt is due (epoch ms). */
  retryAt?: number;
  /** When the state was written (epoch ms). */
  updatedAt?: number;
}

export function infoOf<R>(id: string, rec: TaskStatusRecord | undefined): TaskInfo<R> {
  if (rec === undefined) return { id, state: 'PENDING', attempts: 0 };
  const info: TaskInfo<R> = { id, name: rec.name, state: rec.state, attempts: rec.attempts, updatedAt: rec.updatedAt };
  if (rec.result !== undefined) info.result = decodeValue(rec.result) as R;
  if (rec.error !== undefined) info.error = rec.error;
  if (rec.progress !== undefined) info.progress = rec.progress;
  if (rec.retryAt !== undefined) info.retryAt = rec.retryAt;
  return info;
}

/**
 * The error result() throws for a task that failed: code TASK_FAILED, the task's own error name and message, and
 * its stack as it was on the worker (`remoteStack`).
 */
export class TaskFailedError extends KlogError {
  readonly taskId: string;
  readonly remoteName: string;
  readonly remoteStack: string | undefined;

  constructor(id: string, name: string, error: TaskErrorInfo) {
    super('TASK_FAILED', `task ${name} ${id} failed: ${error.name}: ${error.message}`);
    this.taskId = id;
    this.remoteName = error.name;
    this.remoteStack = error.stack;
  }
}
