import type { Logger } from '@klog/log-core';
import type { Clock } from '@klog/queue';
import { retryDelay } from './backoff.js';
import { decodeValue, encodeValue } from './codec.js';
import { Interrupt } from './interrupt.js';
import { RateLimiter } from './rate-limit.js';
import { decodeTaskMessage, type TaskMessage } from './records.js';
import type { ResultsView } from './results-view.js';
import type { RevokesView } from './revokes-view.js';
import { runAttempt, type AttemptOutcome } from './run-attempt.js';
import type { ScheduleClaims } from './schedule-claims.js';
import { Scheduler, type Schedule } from './scheduler.js';
import type { ReplaceableState, StatusWriter } from './status-writer.js';
import type { TaskSpec } from './task-options.js';
import { errorInfoOfThrown, isFinal, type TaskErrorInfo } from './task-state.js';
import type { TaskConsumer, TaskDelivery, TaskTransport } from './transport.js';

export interface WorkerOptions {
  /** Tasks run at once in this process (default 1). Each holds one queue record. */
  concurrency?: number;
  /**
   * On stop (SIGTERM), running tasks get this long to finish (default 30 s); then their ctx.signal is aborted and
   * their records are released for another worker, attempt not counted as failed.
   */
  graceMs?: number;
  /** Stop gracefully on SIGTERM and SIGINT (default true). */
  handleSignals?: boolean;
}

/** What the worker runs against; given by Tasks. */
export interface WorkerDeps {
  transport: TaskTransport;
  results: ResultsView;
  revokes: RevokesView;
  claims: ScheduleClaims;
  writer: StatusWriter;
  specs: ReadonlyMap<string, TaskSpec>;
  clock: Clock;
  logger: Logger;
  /** Periodic schedules whose ticks this worker's scheduler enqueues. */
  schedules: readonly Schedule[];
  enqueueTick: (s: Schedule, tickMs: number) => Promise<void>;
}

/** How long a task this process does not define waits before another worker (which may define it) gets it. */
const UNKNOWN_TASK_DELAY_MS = 5_000;

/**
 * Takes tasks from the queue and runs them: at least once (a crashed worker's tasks come back after its lock
 * runs out or its connection closes), each attempt's state written to the results topic before its record is
 * acknowledged, so a redelivered task that already finished is not run again.
 *
 * The worker follows the revokes topic, not the results topic: a task delivered for the first time with no
 * revoke notice runs without any state being read. The results topic is read (through the process's view, which
 * starts on demand) only for a redelivery, whose outcome may already be written, and for a task with a notice,
 * whose state decides whether the revoke is current or history.
 */
export class Worker {
  private consumer: TaskConsumer | undefined;
  private scheduler: Scheduler | undefined;
  /** Running tasks: how to interrupt each, and where its revoke stands (see Run). */
  private readonly running = new Map<string, Run>();
  private readonly limiters = new Map<string, RateLimiter>();
  private readonly stopping = new AbortController();
  private stopNotices: (() => void) | undefined;
  private stopped: Promise<void> | undefined;
  /** Settles when the worker has stopped. */
  readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(private readonly deps: WorkerDeps, private readonly opts: WorkerOptions) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    for (const spec of deps.specs.values()) {
      if (spec.rateLimit !== undefined) this.limiters.set(spec.name, new RateLimiter(spec.rateLimit, deps.clock));
    }
  }

  /** The names of the tasks this worker runs. */
  get taskNames(): string[] {
    return [...this.deps.specs.keys()];
  }

  /** Resolves once the worker takes tasks: after it has read every revoke notice written before it started. */
  async start(): Promise<void> {
    const concurrency = Math.max(1, Math.trunc(this.opts.concurrency ?? 1));
    this.stopNotices = this.deps.revokes.onNotice((id) => {
      const run = this.running.get(id);
      if (run !== undefined) this.confirmRevoke(id, run);
    });
    await this.deps.revokes.follow();
    this.consumer = this.deps.transport.consume({ concurrency, eachDelivery: (d) => this.handle(d) });
    if (this.deps.schedules.length > 0) {
      this.scheduler = new Scheduler(this.deps.schedules, this.deps.enqueueTick, this.deps.claims, this.deps.clock, this.deps.logger);
      this.scheduler.start();
    }
    this.consumer.done.catch((err: unknown) => this.deps.logger.error({ err }, 'the task worker stopped on an error'));
  }

  /** Stops taking tasks; running ones get graceMs to finish, then are interrupted and released. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping.abort();
      this.stopNotices?.();
      const graceOver = new AbortController();
      void this.deps.clock.sleep(this.opts.graceMs ?? 30_000, graceOver.signal).then(() => {
        if (graceOver.signal.aborted) return;
        for (const run of this.running.values()) run.interrupt.abort('shutdown');
      });
      await this.scheduler?.close();
      await this.consumer?.close();
      graceOver.abort();
      this.resolveDone();
    })();
    return this.stopped;
  }

  private async handle(d: TaskDelivery): Promise<void> {
    const msg = d.value === null ? undefined : decodeTaskMessage(d.value);
    if (msg === undefined) {
      this.deps.logger.warn({ record: d.id }, 'a record of the tasks topic is not a task; dead-lettered');
      await d.reject('not a task record (undecodable)');
      return;
    }
    const spec = this.deps.specs.get(msg.name);
    if (spec === undefined) {
      this.deps.logger.warn({ task: msg.name, id: msg.id }, 'no task of this name is defined in this worker; released for another worker');
      await d.release({ delayMs: UNKNOWN_TASK_DELAY_MS, reason: `task ${msg.name} is not defined in the worker that received it` });
      return;
    }
    if (msg.tick === true && !(await this.deps.claims.claim(msg.id, d.id))) {
      await d.accept(); // another copy of this tick runs it
      return;
    }
    // A first delivery with no revoke notice runs without reading its state (a notice read later still interrupts
    // the run). A notice, or a redelivery (whose outcome may have been written by a worker that died before
    // acknowledging), reads the state up to date: a REVOKED there is current, and one followed by PENDING is
    // history (`klog task retry` enqueued it again).
    const noticeAt = this.deps.revokes.noticeAt(msg.id);
    const known = d.deliveryCount > 1 || noticeAt >= 0 ? await this.deps.results.get(msg.id) : undefined;
    if (known !== undefined && isFinal(known.state)) {
      // Revoked before it ran, or a redelivery of a task whose outcome was written before its record's ack.
      if (known.state === 'REVOKED' && known.args === undefined) {
        // Revoked before any state of it was written (delay writes none): the revoke knew neither its name nor its
        // arguments. Written now, so that `klog task retry` can enqueue it again and `list` names it.
        await this.deps.writer.write({ id: msg.id, name: msg.name, args: msg.args, state: 'REVOKED', attempts: known.attempts });
      }
      await d.accept();
      return;
    }
    const attempt = d.deliveryCount;
    if (attempt > spec.retries + 1) {
      // Its last attempt began and never reported: the worker died (or lost the lock) while running it.
      const error = { name: 'WorkerLost', message: `attempt ${attempt - 1} of ${spec.retries + 1} was lost with its worker (killed, or lock expired)` };
      await this.fail(d, msg, spec, attempt - 1, error);
      return;
    }
    // Awaited only when there is a limit: a task without one starts in this turn, no microtask hop.
    const limiter = this.limiters.get(spec.name);
    if (limiter !== undefined) await limiter.take(this.stopping.signal);
    if (this.stopping.signal.aborted) {
      await d.release({ delayMs: 0, reason: 'worker stopping' });
      return;
    }
    await this.execute(d, msg, spec, attempt, noticeAt);
  }

  /** `noticeAt`: the latest revoke notice of the task that handle() took into account (-1: none). */
  private async execute(d: TaskDelivery, msg: TaskMessage, spec: TaskSpec, attempt: number, noticeAt: number): Promise<void> {
    const { writer } = this.deps;
    const base = { id: msg.id, name: msg.name, args: msg.args };
    let args: unknown[];
    try {
      args = decodeValue(msg.args) as unknown[];
      if (!Array.isArray(args)) throw new Error('the arguments are not a list');
    } catch (err) {
      await this.fail(d, msg, spec, attempt, { name: 'BadArguments', message: `cannot decode the arguments: ${errorInfoOfThrown(err).message}` });
      return;
    }
    const run = new Run();
    // STARTED is not waited for: the handler starts at once, and the outcome, written later by the same writer,
    // lands after it in the results topic (one writer keeps the order of its writes), or in its place when the
    // task ends before the STARTED is sent (status-writer.ts): a short task then costs one state record.
    const started = writer.writeReplaceable({ id: msg.id, name: msg.name, args: msg.args, state: 'STARTED', attempts: attempt });
    started.offset.then((offset) => {
      run.since = offset;
      if (run.revoked()) run.interrupt.abort('revoked');
    }, (err: unknown) => this.deps.logger.warn({ err, id: msg.id }, 'writing the STARTED state failed'));
    this.running.set(msg.id, run);
    // A notice read since handle() looked (while a rate limit held the task, say) was for no running task.
    if (this.deps.revokes.noticeAt(msg.id) > noticeAt) this.confirmRevoke(msg.id, run);
    try {
      let ended = false;
      // A handler left running after its attempt ended (timeout, revoke) must not write over the outcome.
      const progress = (value: number): void => {
        if (ended) return;
        writer.write({ ...base, state: 'STARTED', attempts: attempt, progress: value }, started)
          .catch((err: unknown) => this.deps.logger.warn({ err, id: msg.id }, 'writing progress failed'));
      };
      const running = runAttempt(spec, { id: msg.id, name: msg.name, attempt, progress }, args, this.deps.clock, run.interrupt);
      // A handler that returned without a promise is settled in this turn (no await of a plain value, a hop).
      const outcome = running instanceof Promise ? await running : running;
      ended = true;
      await this.settle(d, msg, spec, attempt, outcome, run, started);
    } finally {
      this.running.delete(msg.id);
    }
  }

  /**
   * A revoke notice for a running task: its state, read up to date, decides. The run is interrupted by a REVOKED
   * that comes after the attempt's STARTED (see Run): the task's latest record, or any REVOKED of it the view reads
   * while it catches up (the attempt's own progress may have followed it). A notice of an older revoke (before a
   * `klog task retry`) finds a later state, or a REVOKED before the STARTED, and changes nothing.
   */
  private confirmRevoke(id: string, run: Run): void {
    const revokedAt = (offset: number): void => {
      run.revokedAt = Math.max(run.revokedAt, offset);
    };
    const unwatch = this.deps.results.watch(id, (s, offset) => {
      if (s.state === 'REVOKED') revokedAt(offset);
    });
    this.deps.results.latestOf(id).then((latest) => {
      unwatch();
      if (latest?.status.state === 'REVOKED') revokedAt(latest.offset);
      if (run.revoked()) run.interrupt.abort('revoked');
    }, (err: unknown) => {
      unwatch();
      this.deps.logger.warn({ err, id }, 'reading the state of a task with a revoke notice failed; it runs on');
    });
  }

  /** `started`: the attempt's STARTED, which the outcome replaces if it has not been sent yet (status-writer.ts). */
  private async settle(d: TaskDelivery, msg: TaskMessage, spec: TaskSpec, attempt: number, outcome: AttemptOutcome, run: Run, started: ReplaceableState): Promise<void> {
    const base = { id: msg.id, name: msg.name, args: msg.args, attempts: attempt };
    if (outcome.kind === 'interrupted') {
      if (outcome.why === 'revoked') {
        await d.accept();
      } else {
        await this.deps.writer.write({ ...base, state: 'PENDING' }, started);
        await d.release({ delayMs: 0, reason: 'worker stopped before the task finished' });
      }
      return;
    }
    // A revoke that arrived as the attempt ended wins over its outcome.
    if (run.revoked()) {
      await d.accept();
      return;
    }
    if (outcome.kind === 'returned') {
      let result: Buffer;
      try {
        result = encodeValue(outcome.value, `the result of task ${msg.name}`);
      } catch (err) {
        // Retrying cannot make the result serialisable.
        await this.fail(d, msg, spec, attempt, errorInfoOfThrown(err), started);
        return;
      }
      // A literal rather than a spread of `base`: this is every successful task's write.
      const written = this.deps.writer.write({ id: msg.id, name: msg.name, args: msg.args, attempts: attempt, state: 'SUCCESS', result }, started);
      // The record is accepted once its outcome is written (so a redelivery finds it done), but the slot does not
      // wait for that append: it takes its next task now. Holding the slot for the append's round trip kept each
      // append to the few outcomes of the slots that ended meanwhile (at most `concurrency`), and the worker's
      // requests per task several times higher. The consumer waits for these acks when it closes.
      void d.acceptAfter(written);
      return;
    }
    const error = errorInfoOfThrown(outcome.error);
    if (attempt <= spec.retries) {
      const delayMs = retryDelay(spec.backoff, attempt);
      await this.deps.writer.write({ ...base, state: 'RETRY', error, retryAt: this.deps.clock.now() + delayMs }, started);
      await d.release({ delayMs, reason: `${error.name}: ${error.message}` });
      return;
    }
    await this.fail(d, msg, spec, attempt, error, started);
  }

  /** FAILURE: the state, then the record to the dead-letter topic with the error and its stack as the reason. */
  private async fail(d: TaskDelivery, msg: TaskMessage, spec: TaskSpec, attempts: number, error: TaskErrorInfo, started?: ReplaceableState): Promise<void> {
    await this.deps.writer.write({ id: msg.id, name: msg.name, args: msg.args, attempts, state: 'FAILURE', error }, started);
    await d.reject(`task ${spec.name} ${msg.id} failed after ${attempts} attempt(s): ${error.stack ?? `${error.name}: ${error.message}`}`);
  }
}

/**
 * One running attempt. A REVOKED record interrupts it only when it comes after the attempt's STARTED record
 * (`since`, known once that write is answered): an older one is history, such as the revoke before a
 * `klog task retry`, whose notice a worker may read late. Until `since` is known, the newest REVOKED offset read
 * is kept and compared then.
 */
class Run {
  readonly interrupt = new Interrupt();
  since: number | undefined;
  revokedAt = -1;

  revoked(): boolean {
    return this.since !== undefined && this.revokedAt > this.since;
  }
}
