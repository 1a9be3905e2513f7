import { EventEmitter } from 'node:events';
import type { Logger } from '@klog/log-core';
import { decodeStatusRecord, type TaskStatusRecord } from './records.js';
import { TopicTail } from './topic-tail.js';
import type { TaskTransport } from './transport.js';

/**
 * Every task's latest state, folded from the compacted results topic (last record per task id wins, as
 * compaction itself keeps). Read from the topic's start: compaction keeps one record per live task, and
 * retention (resultTtlMs) drops the old ones, so the view stays as big as the set of recent tasks. Emits
 * 'status' with each record as it is read, which is what result() waits on: no polling.
 */
export class ResultsView extends EventEmitter<{ status: [TaskStatusRecord, number] }> {
  private readonly latest = new Map<string, { status: TaskStatusRecord; offset: number }>();
  /** Callers waiting on one id each (result()): found by id, so that a record costs nothing per other waiter. */
  private readonly watchers = new Map<string, Set<(s: TaskStatusRecord) => void>>();
  private readonly tail: TopicTail;

  constructor(transport: TaskTransport, topic: string, logger: Logger) {
    super();
    this.setMaxListeners(0);
    this.tail = new TopicTail(transport, topic, (r) => {
      if (r.key === null) return;
      if (r.value === null) {
        this.latest.delete(r.key);
        return;
      }
      const status = decodeStatusRecord(r.value);
      if (status === undefined) {
        logger.warn({ topic, offset: r.offset }, 'a record of the results topic is not a task status; skipped');
        return;
      }
      this.latest.set(r.key, { status, offset: r.offset });
      this.emit('status', status, r.offset);
      const watching = this.watchers.get(r.key);
      if (watching !== undefined) for (const w of watching) w(status);
    }, logger);
  }

  /** Calls `fn` with each state of task `id` read from now on; returns how to stop. */
  watch(id: string, fn: (s: TaskStatusRecord) => void): () => void {
    let set = this.watchers.get(id);
    if (set === undefined) this.watchers.set(id, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0 && this.watchers.get(id) === set) this.watchers.delete(id);
    };
  }

  /** The state as last read, without waiting (undefined: nothing read about this id). */
  peek(id: string): TaskStatusRecord | undefined {
    return this.latest.get(id)?.status;
  }

  /** The offset of the latest record read about this id (-1: none). */
  offsetOf(id: string): number {
    return this.latest.get(id)?.offset ?? -1;
  }

  /** The state with everything written before this call taken into account. */
  async get(id: string): Promise<TaskStatusRecord | undefined> {
    await this.tail.sync();
    return this.latest.get(id)?.status;
  }

  async all(): Promise<TaskStatusRecord[]> {
    await this.tail.sync();
    return [...this.latest.values()].map((e) => e.status);
  }

  /** Makes sure the view has read at least up to `offset` (a record this process just wrote). */
  reach(offset: number): Promise<void> {
    return this.tail.reach(offset + 1);
  }

  start(): void {
    this.tail.start();
  }

  close(): Promise<void> {
    return this.tail.close();
  }
}
