import type { TaskInfo } from './task-info.js';

/** When a scheduled task may first run: after a countdown from now, or at a time. */
export type ScheduleWhen = { countdownMs: number } | { eta: Date };

/** One enqueued task: its id, and ways to follow it from any process. */
export interface TaskHandle<R> {
  readonly id: string;
  readonly name: string;
  /** The task's return value once it succeeds; throws TASK_FAILED (its error), TASK_REVOKED or RESULT_TIMEOUT. */
  result(opts?: { timeoutMs?: number }): Promise<R>;
  status(): Promise<TaskInfo<R>>;
}

/** What Tasks does for a definition (kept apart so a definition holds no more than it needs). */
export interface TaskEnqueuer {
  enqueue(name: string, args: unknown[], deliverAt: number | undefined): Promise<string>;
  /** `fresh`: the id was just made by this process's enqueue (no earlier run of it can exist). */
  handle<R>(name: string, id: string, fresh?: boolean): TaskHandle<R>;
  now(): number;
}

/**
 * A defined task. `A` is the handler's argument list after ctx and `R` what it resolves with, so delay() takes
 * exactly those arguments and result() resolves with that type.
 */
export class TaskDefinition<A extends unknown[], R> {
  constructor(readonly name: string, private readonly tasks: TaskEnqueuer) {}

  /** Enqueues the task to run as soon as a worker is free. Arguments are checked (serialisable) here. */
  async delay(...args: A): Promise<TaskHandle<R>> {
    return this.tasks.handle<R>(this.name, await this.tasks.enqueue(this.name, args, undefined), true);
  }

  /** Enqueues the task to run no sooner than `countdownMs` from now, or than `eta`. */
  async schedule(when: ScheduleWhen, ...args: A): Promise<TaskHandle<R>> {
    const at = 'eta' in when ? when.eta.getTime() : this.tasks.now() + when.countdownMs;
    return this.tasks.handle<R>(this.name, await this.tasks.enqueue(this.name, args, at), true);
  }

  /** The handle of a task enqueued earlier (say, by another process), from its id. */
  handle(id: string): TaskHandle<R> {
    return this.tasks.handle<R>(this.name, id);
  }
}
