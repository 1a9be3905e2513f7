import type { Clock } from '@klog/queue';
import { encodeStatusRecord, type TaskStatusRecord } from './records.js';
import type { AppendBatcher, ReplaceableAppend } from './append-batcher.js';
import type { OutgoingRecord } from './transport.js';

/**
 * Writes task states to the results topic (key = task id), stamping each with the time. Writes go through one
 * AppendBatcher: many tasks' states travel in one append, and each task's states land in the order written.
 *
 * A worker writes an attempt's STARTED with writeReplaceable and passes it to the attempt's next write: if the
 * STARTED has not been sent yet, the next state takes its place, so a task that ends within one append writes one
 * record, not two (what most short tasks do). Nothing is lost that a reader could have seen: the STARTED was not
 * written yet, and the state that replaces it is newer. Only the attempt's own next write may replace it (never a
 * revoke from elsewhere in the process), and only while no other state of the task was written after it. Should
 * the replacing record fail to be written, the STARTED is written alone after all.
 */
export class StatusWriter {
  /** Replaceable states not replaced yet, by task id; any other write of the task closes its entry. */
  private readonly open = new Map<string, ReplaceableState>();

  constructor(private readonly appends: AppendBatcher, private readonly topic: string, private readonly clock: Clock) {}

  /** Resolves with the record's offset once it is written. With `replacing`: see the class comment. */
  write(status: Omit<TaskStatusRecord, 'updatedAt'>, replacing?: ReplaceableState): Promise<number> {
    const record = this.record(status);
    const open = this.open.get(status.id);
    if (open !== undefined) {
      // A state written after it by someone else (a revoke) must stay after it: the entry closes either way.
      this.open.delete(status.id);
      if (open === replacing && open.entry.replace(record)) {
        open.replaced = true;
        return open.entry.written.then(offsetOf);
      }
    }
    return this.appends.append(this.topic, record).then(offsetOf);
  }

  /**
   * Writes a state that the next write given it may replace until it is sent; `offset` as write's promise. It is
   * stamped now and encoded only if it is sent.
   */
  writeReplaceable(status: Omit<TaskStatusRecord, 'updatedAt'>): ReplaceableState {
    const updatedAt = this.clock.now();
    let built: OutgoingRecord | undefined;
    // Stamped in place, not copied: the status object is the caller's, made for this write.
    const record = (): OutgoingRecord => (built ??= { key: status.id, value: encodeStatusRecord(Object.assign(status, { updatedAt })) });
    const state = new ReplaceableState(this.appends.appendReplaceable(this.topic, record));
    this.open.set(status.id, state);
    const close = (): void => {
      if (this.open.get(status.id) === state) this.open.delete(status.id);
    };
    state.offset = state.entry.written.then((at) => {
      close();
      return at.offset;
    }, (err: unknown) => {
      close();
      // The record that took this one's place failed (its writer hears of it): write this one after all.
      if (state.replaced) return this.appends.append(this.topic, record()).then(offsetOf);
      throw err;
    });
    return state;
  }

  /** Stamps the status in place (every caller makes the object for its write) and encodes it. */
  private record(status: Omit<TaskStatusRecord, 'updatedAt'>): OutgoingRecord {
    const rec = status as TaskStatusRecord;
    rec.updatedAt = this.clock.now();
    return { key: rec.id, value: encodeStatusRecord(rec) };
  }
}

/** A state written with writeReplaceable. */
export class ReplaceableState {
  /** Resolves with the offset of the record in its place, once written (its replacement's, if replaced). */
  offset!: Promise<number>;
  replaced = false;

  constructor(readonly entry: ReplaceableAppend) {}
}

function offsetOf(at: { offset: number }): number {
  return at.offset;
}
