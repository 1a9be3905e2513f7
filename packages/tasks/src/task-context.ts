/** What a task's handler gets before its own arguments. */
export interface TaskContext {
  /** The task id: the same on every attempt and redelivery, so use it to make the work idempotent. */
  readonly id: string;
  readonly name: string;
  /** 1 on the first attempt. Counts attempts lost to a crashed worker too. */
  readonly attempt: number;
  /**
   * Aborted when the attempt should stop: timeoutMs ran out, the task was revoked, or the worker is shutting
   * down and its grace period ended. Pass it to fetch() and the like; work that ignores it runs on unobserved.
   */
  readonly signal: AbortSignal;
  /** Reports progress (any number; 0-100 by convention) to status() and 'progress' listeners. */
  progress(value: number): void;
}

/** A task's code: the context, then the arguments given to delay(). */
export type TaskHandler<A extends unknown[], R> = (ctx: TaskContext, ...args: A) => Promise<R> | R;
