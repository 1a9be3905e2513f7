/**
 * Group commit of writes across partitions, when the store's coalesceWrites option is on (off by default: there,
 * `queued` answers "write now" and every append is written in its own call). An append to a partition queues its
 * batch in that partition; the
 * queued batches of every partition are written at the end of the current event-loop turn (setImmediate), one
 * write(2) per partition for all the batches it took in that turn. An append's promise resolves only after its
 * write, so an acknowledged record is in the OS's page cache exactly as before: what changes is that many small
 * appends (a produce spread over 1,000 partitions puts one or two records in each) share one system call.
 *
 * Waiting for the end of the turn costs a lone append an event-loop iteration (several microseconds, more than
 * its write), so the flush point adapts: while flushes find at most one batch per partition (nothing to share,
 * e.g. one producer awaiting each append in turn), the queue is written as soon as the code that queued it
 * yields (a microtask); once a flush finds a partition with two batches or more (several producers, or calls
 * in flight at once), flushes wait for the end of the turn, where more appends join them.
 *
 * A partition with at least PARTITION_FLUSH_BYTES queued writes at once (a large batch gains nothing by
 * waiting), and so does every partition when the store holds STORE_FLUSH_BYTES queued: memory stays bounded.
 */
export interface PendingWriter {
  /** Writes what this writer has queued, settling the appends waiting for it; returns the batches written. Never throws. */
  flushPending(): number;
}

/** Queued bytes at which one partition writes without waiting for the end of the turn. */
export const PARTITION_FLUSH_BYTES = 64 * 1024;
/** Queued bytes, over all partitions, at which every partition writes at once. */
export const STORE_FLUSH_BYTES = 8 * 1024 * 1024;

export class WriteCoalescer {
  private due: PendingWriter[] = [];
  private queuedBytes = 0;
  private scheduled = false;
  /** Whether the next flush waits for the end of the turn (setImmediate) rather than a microtask (see above). */
  private atTurnEnd = false;
  /** Resolved by the next flushAll: what appends waiting for their queued batches await (see whenFlushed). */
  private round: { promise: Promise<void>; resolve: () => void } | null = null;

  /** `enabled` false: every append is written at once (the store's coalesceWrites option). */
  constructor(readonly enabled: boolean) {}

  /**
   * `writer` has just queued `bytes` (its first batch since its last flush when `first`). Returns whether the
   * caller should write now rather than wait for the end of the turn.
   */
  queued(writer: PendingWriter, bytes: number, first: boolean, writerBytes: number): boolean {
    if (!this.enabled || writerBytes >= PARTITION_FLUSH_BYTES) return true;
    if (first) this.due.push(writer);
    this.queuedBytes += bytes;
    if (this.queuedBytes >= STORE_FLUSH_BYTES) {
      this.flushAll();
      return false;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      if (this.atTurnEnd) setImmediate(this.flushAll);
      else queueMicrotask(this.flushAll);
    }
    return false;
  }

  /**
   * Resolves after the next flushAll: by then every batch queued before the call is written (or failed). Only
   * for a caller that queued something still waiting, so a flush is scheduled.
   */
  whenFlushed(): Promise<void> {
    if (!this.round) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.round = { promise, resolve };
    }
    return this.round.promise;
  }

  /** Writes everything queued in every partition now (also what the end of the turn would do). */
  readonly flushAll = (): void => {
    this.scheduled = false;
    this.queuedBytes = 0;
    const due = this.due;
    this.due = [];
    // A writer flushed on its own since it queued (threshold, sync, roll, close) has nothing left: a no-op.
    let batches = 0;
    for (const w of due) batches += w.flushPending();
    this.atTurnEnd = batches > due.length;
    const round = this.round;
    this.round = null;
    round?.resolve();
  };
}
