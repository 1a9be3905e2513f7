import { EventEmitter } from 'node:events';
import type { Logger } from '@klog/log-core';
import { startTimer, type Clock } from '@klog/queue';
import { decodeStatusRecord, looksLikeStatusRecord, type TaskStatusRecord } from './records.js';
import { forgetDeleted, TopicTail } from './topic-tail.js';
import type { TailedRecord, TaskTransport } from './transport.js';

/**
 * How long the view waits between reads while nobody waits on it promptly (see TailPace): a process that read a
 * status once then reads the results topic some fifty times a second at most, rather than once per append of any
 * worker.
 */
const PACED_READ_GAP_MS = 20;

/**
 * How often the view forgets the tasks whose latest record retention has deleted (resultTtlMs): such an id reads
 * PENDING, as in a process that starts now, and the view, which every process keeps, stays about as big as the
 * topic instead of growing with every task ever read.
 */
const FORGET_EXPIRED_EVERY_MS = 60_000;

/** In a worker process, how long the view follows the topic unused before it stops (see stopWhenIdle). */
const IDLE_STOP_MS = 60_000;

/** A task's latest record: decoded, or its bytes until someone asks (see the class comment). */
interface Entry {
  offset: number;
  status?: TaskStatusRecord;
  bytes?: Buffer;
}

/**
 * Every task's latest state, folded from the compacted results topic (last record per task id wins, as
 * compaction itself keeps). Read from the topic's start: compaction keeps one record per live task, and
 * retention (resultTtlMs) drops the old ones, so the view stays as big as the set of recent tasks. Emits
 * 'status' with each record as it is read, and calls the watchers of its task id, which is what result() waits
 * on: no polling.
 *
 * A process starts following the topic when it first needs a state (status, result, list, revoke, a 'state'
 * listener). A worker does not start it to run tasks: it learns of revokes from the revokes topic (revokes-view.ts)
 * and reads states only for a redelivery or a revoke notice, so a worker whose tasks succeed on their first
 * delivery never reads the results topic. Once a worker runs in the process (stopWhenIdle), the view stops
 * following the topic after a minute nobody used it, and folds it again from the start when next needed.
 *
 * A record nobody listens to or watches as it is read is kept as bytes and decoded when asked for: a process
 * reads every task's states and looks at few of them.
 */
export class ResultsView extends EventEmitter<{ status: [TaskStatusRecord, number] }> {
  private readonly latest = new Map<string, Entry>();
  /** Callers watching one id each (result()): a record costs nothing per other watcher. */
  private readonly watchers = new Map<string, Set<(s: TaskStatusRecord, offset: number) => void>>();
  /** How many watchers there are: while there are any, reads are not paced. */
  private watching = 0;
  /** Replaced by a fresh one when the view stops following the topic (see stopWhenIdle). */
  private tail: TopicTail;
  /** Set while the view follows the topic. */
  private forgetting: NodeJS.Timeout | undefined;
  /** Set by stopWhenIdle: the clock and time after which an unused view stops following the topic. */
  private idle: { clock: Clock; ms: number } | undefined;
  private idleCheck: (() => void) | undefined;
  private lastUse = 0;
  /** Reads under way (get, all, reach): the view does not stop under them. */
  private busy = 0;

  constructor(private readonly transport: TaskTransport, private readonly topic: string, private readonly logger: Logger) {
    super();
    this.setMaxListeners(0);
    this.tail = this.newTail();
    // Someone following every state (tasks.on('state')) wants them as they come.
    (this as EventEmitter).on('newListener', () => this.tail.hurry());
  }

  /**
   * Calls `fn` with each state of task `id` read from now on (and its offset); returns how to stop. The view reads
   * without gaps while there are watchers.
   */
  watch(id: string, fn: (s: TaskStatusRecord, offset: number) => void): () => void {
    this.used();
    let set = this.watchers.get(id);
    if (set === undefined) this.watchers.set(id, (set = new Set()));
    set.add(fn);
    if (this.watching++ === 0) this.tail.hurry();
    let watching = true;
    return () => {
      if (!watching) return;
      watching = false;
      this.watching--;
      set.delete(fn);
      if (set.size === 0 && this.watchers.get(id) === set) this.watchers.delete(id);
    };
  }

  /** The state as last read, without waiting (undefined: nothing read about this id). */
  peek(id: string): TaskStatusRecord | undefined {
    this.used();
    const entry = this.latest.get(id);
    return entry === undefined ? undefined : this.decoded(id, entry);
  }

  /** The state with everything written before this call taken into account. */
  async get(id: string): Promise<TaskStatusRecord | undefined> {
    await this.sync();
    return this.peek(id);
  }

  /** As get, with the offset of the task's latest record (how a worker tells a revoke from history). */
  async latestOf(id: string): Promise<{ status: TaskStatusRecord; offset: number } | undefined> {
    await this.sync();
    const entry = this.latest.get(id);
    const status = entry === undefined ? undefined : this.decoded(id, entry);
    return status === undefined ? undefined : { status, offset: entry!.offset };
  }

  async all(): Promise<TaskStatusRecord[]> {
    await this.sync();
    await forgetDeleted(this.transport, this.topic, this.latest, offsetOfEntry);
    const out: TaskStatusRecord[] = [];
    for (const [id, entry] of this.latest) {
      const status = this.decoded(id, entry);
      if (status !== undefined) out.push(status);
    }
    return out;
  }

  /** Makes sure the view has read at least up to `offset` (a record this process just wrote). */
  reach(offset: number): Promise<void> {
    return this.using(() => this.tail.reach(offset + 1));
  }

  /** Starts following the topic (and forgetting expired tasks) if not yet done. */
  start(): void {
    this.used();
    this.tail.start();
    this.forgetting ??= setInterval(() => {
      forgetDeleted(this.transport, this.topic, this.latest, offsetOfEntry).catch((err: unknown) => this.logger.warn({ err, topic: this.topic }, 'could not read where the results topic starts; expired tasks are forgotten later'));
    }, FORGET_EXPIRED_EVERY_MS).unref();
    this.armIdleCheck(this.idle?.ms);
  }

  /**
   * From now on, stop following the topic once nobody used the view for `ms` (no read, no watcher, no 'status'
   * listener), and forget what was read: the next use folds the topic again from its start, so nothing stale
   * survives the pause (a record retention deleted meanwhile). What a worker process sets: its tasks need states
   * only now and then (redeliveries, revoke notices), and following the topic in between would read every state
   * of every task for nothing. `clock`: the tasks' clock, so tests can pass the time.
   */
  stopWhenIdle(clock: Clock, ms = IDLE_STOP_MS): void {
    this.idle = { clock, ms };
    this.lastUse = clock.now();
    if (this.forgetting !== undefined) this.armIdleCheck(ms);
  }

  close(): Promise<void> {
    clearInterval(this.forgetting);
    this.idleCheck?.();
    return this.tail.close();
  }

  private async sync(): Promise<void> {
    this.start();
    await this.using(() => this.tail.sync());
  }

  /** Runs a read the view must not stop under, and counts it as a use. */
  private async using(read: () => Promise<void>): Promise<void> {
    this.busy++;
    try {
      await read();
    } finally {
      this.busy--;
      this.used();
    }
  }

  private used(): void {
    if (this.idle !== undefined) this.lastUse = this.idle.clock.now();
  }

  private armIdleCheck(ms: number | undefined): void {
    if (this.idle === undefined || ms === undefined || this.idleCheck !== undefined) return;
    this.idleCheck = startTimer(this.idle.clock, ms, () => {
      this.idleCheck = undefined;
      this.stopIfIdle();
    });
  }

  private stopIfIdle(): void {
    const { clock, ms } = this.idle!;
    const unusedFor = clock.now() - this.lastUse;
    if (this.busy > 0 || this.watching > 0 || this.listenerCount('status') > 0) return this.armIdleCheck(ms);
    if (unusedFor < ms) return this.armIdleCheck(ms - unusedFor);
    clearInterval(this.forgetting);
    this.forgetting = undefined;
    const stopped = this.tail;
    this.tail = this.newTail();
    this.latest.clear();
    void stopped.close();
  }

  /** A tail from the topic's start, folding into this view while it is the view's tail. */
  private newTail(): TopicTail {
    const tail: TopicTail = new TopicTail(this.transport, this.topic, (r) => {
      // A stopped tail may still hand over the read that was under way: not into the view that forgot it.
      if (this.tail === tail) this.apply(r);
    }, this.logger, { gapMs: PACED_READ_GAP_MS, urgent: () => this.watching > 0 || this.listenerCount('status') > 0 });
    return tail;
  }

  private apply(r: TailedRecord): void {
    if (r.key === null) return;
    if (r.value === null) {
      this.latest.delete(r.key);
      return;
    }
    const watching = this.watchers.get(r.key);
    if (watching === undefined && this.listenerCount('status') === 0) {
      // Undecoded, but what is plainly not a status is skipped now, as a decoded one would be.
      if (!looksLikeStatusRecord(r.value)) this.skip(r.offset);
      else this.latest.set(r.key, { offset: r.offset, bytes: Buffer.from(r.value) }); // a copy: not the whole fetch
      return;
    }
    const status = decodeStatusRecord(r.value);
    if (status === undefined) {
      this.skip(r.offset);
      return;
    }
    this.latest.set(r.key, { status, offset: r.offset });
    this.emit('status', status, r.offset);
    if (watching !== undefined) for (const w of watching) w(status, r.offset);
  }

  private decoded(id: string, entry: Entry): TaskStatusRecord | undefined {
    if (entry.status !== undefined || entry.bytes === undefined) return entry.status;
    const status = decodeStatusRecord(entry.bytes);
    if (status === undefined) {
      // Looked like a map but is not a status: as if skipped, though the state before it is no longer known.
      this.skip(entry.offset);
      this.latest.delete(id);
      return undefined;
    }
    entry.status = status;
    entry.bytes = undefined;
    return status;
  }

  private skip(offset: number): void {
    this.logger.warn({ topic: this.topic, offset }, 'a record of the results topic is not a task status; skipped');
  }
}

function offsetOfEntry(e: Entry): number {
  return e.offset;
}
