import type { StoredRecord } from '@klog/log-core';

/**
 * Records read from a partition's log beyond what its window could take: a cursor into the last read batch.
 * The window admits them as it frees room, instead of reading the same bytes from the log again for each few
 * records that fit. Valid only while the window's end is where the batch continues (`continuesFrom`).
 */
export class ReadAhead {
  private records: StoredRecord[] = [];
  private next = 0;
  /** The window end these records follow; NaN when empty, so that no end matches. */
  private from = Number.NaN;

  get isEmpty(): boolean {
    return this.next >= this.records.length;
  }

  get continuesFrom(): number {
    return this.isEmpty ? Number.NaN : this.from;
  }

  /** A new batch, read from the log at `from` (the window's end then). */
  refill(records: StoredRecord[], from: number): void {
    this.records = records;
    this.next = 0;
    this.from = from;
  }

  peek(): StoredRecord | undefined {
    return this.isEmpty ? undefined : this.records[this.next];
  }

  /** Consumes the record peeked at. */
  shift(): void {
    this.next++;
    if (this.isEmpty) this.clear();
  }

  /** The window's end after admitting a record (which may differ from the record's offset + 1 past gaps). */
  continueFrom(from: number): void {
    this.from = from;
  }

  clear(): void {
    this.records = [];
    this.next = 0;
    this.from = Number.NaN;
  }
}
