import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ClientOptions } from '@klog/client';
import { defaultLogger, KlogError, type Logger, type LogStore } from '@klog/log-core';
import { deliverAtHeader, startTimer, systemClock, type Clock } from '@klog/queue';
import { AppendBatcher } from './append-batcher.js';
import { encodeValue } from './codec.js';
import { encodeRevokeNotice, encodeTaskMessage, type TaskMessage, type TaskStatusRecord } from './records.js';
import { ResultsView } from './results-view.js';
import { RevokesView } from './revokes-view.js';
import { ScheduleClaims } from './schedule-claims.js';
import { cronSchedule, intervalSchedule, tickId, type Schedule } from './scheduler.js';
import { StatusWriter } from './status-writer.js';
import type { TaskHandler } from './task-context.js';
import { TaskDefinition, type TaskEnqueuer, type TaskHandle } from './task-definition.js';
import { infoOf, TaskFailedError, type TaskInfo } from './task-info.js';
import { taskSpec, type TaskOptions, type TaskSpec } from './task-options.js';
import { isFinal, type TaskState } from './task-state.js';
import { topicsFor, type TaskTopics, type TaskTransport, type TransportSetup } from './transport.js';
import { EmbeddedTransport } from './transport-embedded.js';
import { RemoteTransport } from './transport-remote.js';
import { Worker, type WorkerOptions } from './worker.js';

export interface TasksOptions {
  /** Brokers to use (host:port); default $KLOG_BROKER, else 127.0.0.1:7420 (as the klog command). Leave out when `store` is given. */
  brokers?: string[];
  /** More client settings (clientId, timeouts, logger) for the broker connection. */
  client?: Omit<ClientOptions, 'brokers'>;
  /** Run embedded over this LogStore instead of a broker. */
  store?: LogStore;
  /** Names the topics: `<app>` (the queue), `<app>.results`, `<app>.claims`, `<app>.revokes`, `dlq.<app>`. Default 'tasks'. */
  app?: string;
  /** Partitions of the queue's topic when it is created (default 1; queue members may outnumber partitions). */
  partitions?: number;
  /**
   * How long a worker holds a task before it goes to another worker unless renewed (default 30 s; workers renew).
   * A queue setting: workers apply it when they start, so give every worker of an app the same value.
   */
  lockMs?: number;
  /** How long a result (any state) is kept after its last update: the results topic's retention. Default 1 day. */
  resultTtlMs?: number;
  /** Retention of the periodic-tick claims topic. Default 1 day. */
  claimsRetentionMs?: number;
  clock?: Clock;
  logger?: Logger;
}

export interface ScheduleOptions<A extends unknown[]> {
  /** The task's arguments on every tick (omit for a task without arguments). */
  args?: A;
  /** After downtime, enqueue each missed tick (up to 100) rather than only the next one. Default false. */
  catchUp?: boolean;
}

export interface TasksEvents {
  /** Every state written, by any process, as this process reads it. */
  state: [TaskInfo];
  progress: [{ id: string; name: string; progress: number }];
}

const BRAND = Symbol.for('klog.tasks');

/** Background tasks on klog queue mode; see docs/tasks.md. Create with createTasks(). */
export class Tasks extends EventEmitter<TasksEvents> implements TaskEnqueuer {
  readonly [BRAND] = true;
  readonly topics: TaskTopics;
  private readonly specs = new Map<string, TaskSpec>();
  private readonly schedules: Schedule[] = [];
  private readonly transport: TaskTransport;
  private readonly results: ResultsView;
  private readonly revokes: RevokesView;
  private readonly claims: ScheduleClaims;
  private readonly writer: StatusWriter;
  private readonly appends: AppendBatcher;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly workers = new Set<Worker>();
  private readying: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly opts: TasksOptions = {}) {
    super();
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? opts.client?.logger ?? defaultLogger();
    this.topics = topicsFor(opts.app ?? 'tasks');
    this.transport = opts.store !== undefined
      ? new EmbeddedTransport(opts.store, opts.clock)
      : new RemoteTransport({ ...opts.client, brokers: opts.brokers ?? [process.env.KLOG_BROKER ?? '127.0.0.1:7420'] });
    this.results = new ResultsView(this.transport, this.topics.results, this.logger);
    this.revokes = new RevokesView(this.transport, this.topics.revokes, this.logger);
    this.claims = new ScheduleClaims(this.transport, this.topics.claims, this.logger);
    // A worker waits on the queue for tasks, and a running task's worker on the revokes topic.
    this.appends = new AppendBatcher(this.transport, new Set([this.topics.queue, this.topics.revokes]));
    this.writer = new StatusWriter(this.appends, this.topics.results, this.clock);
    // The view decodes every state only while someone follows them all: forwarding starts with the first
    // 'state' or 'progress' listener, so a worker process nobody listens to decodes only its own tasks' states.
    const forward = (s: TaskStatusRecord): void => {
      if (this.listenerCount('state') > 0) this.emit('state', infoOf(s.id, s));
      if (s.progress !== undefined) this.emit('progress', { id: s.id, name: s.name, progress: s.progress });
    };
    let forwarding = false;
    (this as EventEmitter).on('newListener', (event: string | symbol) => {
      if (forwarding || (event !== 'state' && event !== 'progress')) return;
      forwarding = true;
      this.results.on('status', forward);
    });
  }

  /** Whether `value` is a Tasks object (also one from another copy of this package): how `klog worker` finds it. */
  static isTasks(value: unknown): value is Tasks {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  /** Defines a task. Define every task in every worker process (the worker runs only what it defines). */
  define<A extends unknown[], R>(name: string, handler: TaskHandler<A, R>, options: TaskOptions = {}): TaskDefinition<A, Awaited<R>> {
    if (this.specs.has(name)) throw new KlogError('DUPLICATE_TASK', `task ${name} is already defined`);
    this.specs.set(name, taskSpec(name, handler as unknown as TaskHandler<unknown[], unknown>, options));
    return new TaskDefinition<A, Awaited<R>>(name, this);
  }

  /** Runs `task` every interval ('30s', '5m', '1h'; aligned to the epoch, UTC), once per tick across all workers. */
  every<A extends unknown[]>(interval: string | number, task: TaskDefinition<A, unknown>, opts: ScheduleOptions<A> = {}): void {
    this.schedules.push(intervalSchedule(task.name, interval, this.scheduleArgs(task, opts), opts.catchUp ?? false));
  }

  /** Runs `task` on a five-field cron schedule (UTC), once per tick across all workers. */
  cron<A extends unknown[]>(expression: string, task: TaskDefinition<A, unknown>, opts: ScheduleOptions<A> = {}): void {
    this.schedules.push(cronSchedule(task.name, expression, this.scheduleArgs(task, opts), opts.catchUp ?? false));
  }

  /** The state of a task, as written by any process (an id nobody wrote about reads PENDING, as in Celery). */
  async status<R = unknown>(id: string): Promise<TaskInfo<R>> {
    await this.ready();
    return infoOf<R>(id, await this.results.get(id));
  }

  /** Every task the results topic still holds, optionally only those in one state or of one task. */
  async list(filter: { state?: TaskState; name?: string } = {}): Promise<TaskInfo[]> {
    await this.ready();
    return (await this.results.all())
      .filter((s) => (filter.state === undefined || s.state === filter.state) && (filter.name === undefined || s.name === filter.name))
      .sort((a, b) => a.updatedAt - b.updatedAt)
      .map((s) => infoOf(s.id, s));
  }

  /**
   * Cancels a task: one not started yet never runs; a running one has its ctx.signal aborted and its outcome
   * dropped. Resolves false when the task had already finished (nothing to revoke). Writes REVOKED to the results
   * topic, then a notice to the revokes topic, which is what workers follow.
   */
  async revoke(id: string): Promise<boolean> {
    await this.ready();
    const known = await this.results.get(id);
    if (known !== undefined && isFinal(known.state)) return false;
    const offset = await this.writer.write({ id, name: known?.name ?? '', state: 'REVOKED', attempts: known?.attempts ?? 0, ...(known?.args ? { args: known.args } : {}) });
    // The notice only once the state is written: a worker that reads it then finds the REVOKED in the results topic.
    const notice = this.appends.append(this.topics.revokes, { key: id, value: encodeRevokeNotice({ at: this.clock.now() }) });
    await Promise.all([this.results.reach(offset), notice]);
    return true;
  }

  /** Enqueues a finished (FAILURE, REVOKED, SUCCESS) task again, under the same id, with the same arguments. */
  async retry(id: string): Promise<TaskHandle<unknown>> {
    await this.ready();
    const known = await this.results.get(id);
    if (known?.args === undefined || known.name === '') throw new KlogError('UNKNOWN_TASK', `task ${id}: the results topic has no task with this id (never enqueued, or expired after resultTtlMs)`);
    if (!isFinal(known.state)) throw new KlogError('INVALID_CONFIG', `task ${id} is ${known.state}: only a finished task (FAILURE, REVOKED, SUCCESS) can be retried`);
    // PENDING first: the worker must not find the previous run's final state and take the task for done.
    await this.send({ id, name: known.name, args: known.args, enqueuedAt: this.clock.now() }, undefined, true);
    return this.handle(known.name, id);
  }

  /** Starts a worker in this process: it runs the defined tasks and, with schedules, enqueues their ticks. */
  async worker(opts: WorkerOptions = {}): Promise<Worker> {
    await this.ready();
    await this.transport.setUpQueue(this.setup());
    // The worker reads states only now and then (redeliveries, revoke notices): the view need not follow the
    // topic in between.
    this.results.stopWhenIdle(this.clock);
    const worker = new Worker({
      transport: this.transport, results: this.results, revokes: this.revokes, claims: this.claims, writer: this.writer, specs: this.specs,
      clock: this.clock, logger: this.logger, schedules: this.schedules, enqueueTick: (s, t) => this.enqueueTick(s, t),
    }, opts);
    this.workers.add(worker);
    void worker.done.then(() => this.workers.delete(worker));
    await worker.start();
    if (opts.handleSignals ?? true) {
      const stop = (): void => void worker.stop();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      void worker.done.then(() => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
      });
    }
    return worker;
  }

  /** Stops this process's workers (gracefully) and closes the connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.workers].map((w) => w.stop()));
    await this.results.close();
    await this.revokes.close();
    await this.claims.close();
    await this.transport.close();
  }

  // ---- TaskEnqueuer (for TaskDefinition) -------------------------------------------------------------------

  async enqueue(name: string, args: unknown[], deliverAt: number | undefined): Promise<string> {
    if (deliverAt !== undefined && !Number.isFinite(deliverAt)) throw new KlogError('INVALID_CONFIG', `task ${name}: the countdown or eta is not a valid time`);
    const encoded = encodeValue(args, `the arguments of task ${name}`);
    await this.ready();
    const id = randomUUID();
    // A task for now is taken at once: its task record says PENDING, and a state record would cost the caller a
    // round trip first. One that waits for its time gets one, so that status, list and revoke name it meanwhile.
    await this.send({ id, name, args: encoded, enqueuedAt: this.clock.now() }, deliverAt, deliverAt !== undefined);
    return id;
  }

  handle<R>(name: string, id: string, fresh = false): TaskHandle<R> {
    return { id, name, result: (o) => this.result<R>(id, o?.timeoutMs, fresh), status: () => this.status<R>(id) };
  }

  now(): number {
    return this.clock.now();
  }

  // ---- internals ---------------------------------------------------------------------------------------------

  private ready(): Promise<void> {
    if (this.closed) return Promise.reject(new KlogError('TASKS_CLOSED', 'this tasks object is closed'));
    this.readying ??= this.transport.setUp(this.setup());
    return this.readying;
  }

  private setup(): TransportSetup {
    return {
      topics: this.topics,
      partitions: this.opts.partitions ?? 1,
      lockMs: this.opts.lockMs ?? 30_000,
      resultTtlMs: this.opts.resultTtlMs ?? 86_400_000,
      claimsRetentionMs: this.opts.claimsRetentionMs ?? 86_400_000,
    };
  }

  /** With `pending`, PENDING first, then the task: a worker's STARTED can then never be overwritten by this PENDING. */
  private async send(msg: TaskMessage, deliverAt: number | undefined, pending: boolean): Promise<void> {
    if (pending) await this.writer.write({ id: msg.id, name: msg.name, state: 'PENDING', attempts: 0, args: msg.args });
    await this.appends.append(this.topics.queue, {
      key: msg.id, value: encodeTaskMessage(msg), headers: deliverAt === undefined ? [] : [deliverAtHeader(deliverAt) as { key: string; value: Buffer }],
    });
  }

  /** A tick is enqueued without a PENDING state: several schedulers enqueue it, and a late PENDING would overwrite the run's state. */
  private async enqueueTick(s: Schedule, tickMs: number): Promise<void> {
    const msg: TaskMessage = { id: tickId(s, tickMs), name: s.task, args: s.args, enqueuedAt: this.clock.now(), tick: true };
    await this.appends.append(this.topics.queue, { key: msg.id, value: encodeTaskMessage(msg) });
  }

  private scheduleArgs<A extends unknown[]>(task: TaskDefinition<A, unknown>, opts: ScheduleOptions<A>): Buffer {
    if (!this.specs.has(task.name)) throw new KlogError('UNKNOWN_TASK', `task ${task.name} is not defined on this tasks object`);
    return encodeValue(opts.args ?? [], `the arguments of the schedule of task ${task.name}`);
  }

  /**
   * `fresh`: the id was made by this process's enqueue. Then, while the view has read nothing about it, no sync is
   * needed (an end-offset request): there is no earlier run whose states the view could still be catching up on,
   * so every state of the task is either still to be read (and watched for here) or none was written yet.
   */
  private async result<R>(id: string, timeoutMs: number | undefined, fresh: boolean): Promise<R> {
    await this.ready();
    return new Promise<R>((resolve, reject) => {
      const current = fresh && this.results.peek(id) === undefined;
      let synced = current;
      let stopTimer: (() => void) | undefined;
      const finish = (s: TaskStatusRecord | undefined): void => {
        if (s === undefined || !isFinal(s.state)) return;
        unwatch();
        stopTimer?.();
        if (s.state === 'SUCCESS') resolve(infoOf<R>(id, s).result as R);
        else if (s.state === 'REVOKED') reject(new KlogError('TASK_REVOKED', `task ${s.name} ${id} was revoked`));
        else reject(new TaskFailedError(id, s.name, s.error ?? { name: 'Error', message: 'unknown error' }));
      };
      // Records read while the view catches up may be an older run of this id (`klog task retry`): wait for the
      // view to be current, then take its latest state, then each new one.
      const unwatch = this.results.watch(id, (s) => {
        if (synced) finish(s);
      });
      if (current) {
        this.results.start();
      } else {
        this.results.get(id).then((s) => {
          synced = true;
          finish(this.results.peek(id) ?? s);
        }, (err: unknown) => {
          unwatch();
          stopTimer?.();
          reject(err);
        });
      }
      if (timeoutMs !== undefined) {
        stopTimer = startTimer(this.clock, timeoutMs, () => {
          unwatch();
          reject(new KlogError('RESULT_TIMEOUT', `task ${id}: no result within ${timeoutMs} ms (its state: see status())`));
        });
      }
    });
  }
}

/** Background tasks over a broker (`brokers`) or embedded over a LogStore (`store`). */
export function createTasks(opts: TasksOptions = {}): Tasks {
  return new Tasks(opts);
}
