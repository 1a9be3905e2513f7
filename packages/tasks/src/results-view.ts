import { EventEmitter } from 'node:events';
import type { Logger } from '@klog/log-core';
import { decodeStatusRecord, looksLikeStatusRecord, type TaskStatusRecord } from './records.js';
import { TopicTail } from './topic-tail.js';
import type { TaskTransport } from './transport.js';

/**
 * How long the view waits between reads while nobody waits on it promptly (see TailPace): a worker's view, which
 * looks only for revokes of its running tasks, then reads the results topic some fifty times a second at most,
 * rather than once per append of any worker, and a revoke reaches a running task that much later.
 */
const PACED_READ_GAP_MS = 20;

/**
 * How often the view forgets the tasks whose latest record retention has deleted (resultTtlMs): such an id reads
 * PENDING, as in a process that starts now, and the view, which every process keeps, stays about as big as the
 * topic instead of growing with every task ever read.
 */
const FORGET_EXPIRED_EVERY_MS = 60_000;

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
 * A record nobody listens to or watches as it is read is kept as bytes and decoded when asked for: every process
 * reads every task's states, and a worker process looks at almost none of them (only its own running tasks',
 * for a revoke), so decoding them all was most of what a worker spent on the results topic.
 */
export class ResultsView extends EventEmitter<{ status: [TaskStatusRecord, number] }> {
  private readonly latest = new Map<string, Entry>();
  /** Callers watching one id each (result(), a worker's running task): a record costs nothing per other watcher. */
  private readonly watchers = new Map<string, Set<(s: TaskStatusRecord, offset: number) => void>>();
  /** Watchers that want each state as soon as it is written (result()): while there are any, reads are not paced. */
  private prompt = 0;
  private readonly tail: TopicTail;
  private forgetting: NodeJS.Timeout | undefined;

  constructor(private readonly transport: TaskTransport, private readonly topic: string, private readonly logger: Logger) {
    super();
    this.setMaxListeners(0);
    this.tail = new TopicTail(transport, topic, (r) => {
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
    }, logger, { gapMs: PACED_READ_GAP_MS, urgent: () => this.prompt > 0 || this.listenerCount('status') > 0 });
    // Someone following every state (tasks.on('state')) wants them as they come.
    (this as EventEmitter).on('newListener', () => this.tail.hurry());
  }

  /**
   * Calls `fn` with each state of task `id` read from now on (and its offset); returns how to stop. `paced`: the
   * states may come up to a read gap late (PACED_READ_GAP_MS), as for a worker watching for revokes; otherwise the
   * view reads without gaps while this watcher is there.
   */
  watch(id: string, fn: (s: TaskStatusRecord, offset: number) => void, opts: { paced?: boolean } = {}): () => void {
    let set = this.watchers.get(id);
    if (set === undefined) this.watchers.set(id, (set = new Set()));
    set.add(fn);
    const prompt = opts.paced !== true;
    if (prompt && this.prompt++ === 0) this.tail.hurry();
    let watching = true;
    return () => {
      if (!watching) return;
      watching = false;
      if (prompt) this.prompt--;
      set.delete(fn);
      if (set.size === 0 && this.watchers.get(id) === set) this.watchers.delete(id);
    };
  }

  /** The state as last read, without waiting (undefined: nothing read about this id). */
  peek(id: string): TaskStatusRecord | undefined {
    const entry = this.latest.get(id);
    return entry === undefined ? undefined : this.decoded(id, entry);
  }

  /** The state with everything written before this call taken into account. */
  async get(id: string): Promise<TaskStatusRecord | undefined> {
    this.start();
    await this.tail.sync();
    return this.peek(id);
  }

  async all(): Promise<TaskStatusRecord[]> {
    this.start();
    await this.tail.sync();
    await this.forgetExpired();
    const out: TaskStatusRecord[] = [];
    for (const [id, entry] of this.latest) {
      const status = this.decoded(id, entry);
      if (status !== undefined) out.push(status);
    }
    return out;
  }

  /** Makes sure the view has read at least up to `offset` (a record this process just wrote). */
  reach(offset: number): Promise<void> {
    return this.tail.reach(offset + 1);
  }

  /** Starts following the topic (and forgetting expired tasks) if not yet done. */
  start(): void {
    this.tail.start();
    this.forgetting ??= setInterval(() => {
      this.forgetExpired().catch((err: unknown) => this.logger.warn({ err, topic: this.topic }, 'could not read where the results topic starts; expired tasks are forgotten later'));
    }, FORGET_EXPIRED_EVERY_MS).unref();
  }

  close(): Promise<void> {
    clearInterval(this.forgetting);
    return this.tail.close();
  }

  /** Drops the tasks whose latest record is before the topic's start: retention deleted it (see FORGET_EXPIRED_EVERY_MS). */
  private async forgetExpired(): Promise<void> {
    const start = await this.transport.startOffset(this.topic, 0);
    for (const [id, entry] of this.latest) if (entry.offset < start) this.latest.delete(id);
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
