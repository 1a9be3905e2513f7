import { batchSizeAt, decodeBatch, type LogStore, type StoredRecord } from '@klog/log-core';

/** Why a browse stopped: enough matches, nothing more to read, or one of its caps. */
export type StopReason = 'limit' | 'end' | 'maxBytes' | 'maxTime';

/** The caps of one browse, shared by all the partitions it reads. */
export class ScanBudget {
  bytes = 0;
  scanned = 0;
  private readonly deadline: number;

  constructor(private readonly maxBytes: number, maxTimeMs: number) {
    this.deadline = Date.now() + maxTimeMs;
  }

  /** The cap reached, if any: checked before every read. */
  exhausted(): 'maxBytes' | 'maxTime' | null {
    if (this.bytes >= this.maxBytes) return 'maxBytes';
    if (Date.now() >= this.deadline) return 'maxTime';
    return null;
  }
}

/** One read of up to this many bytes at a time. */
const READ_BYTES = 1024 * 1024;

/** The records in [from, to) of a partition, in offset order, from reads of whole stored batches. */
async function* readRange(store: LogStore, topic: string, partition: number, from: number, to: number, budget: ScanBudget): AsyncGenerator<StoredRecord[]> {
  let offset = from;
  while (offset < to) {
    const res = await store.readBatches(topic, partition, { offset, maxBytes: READ_BYTES });
    if (res.data.length === 0) return;
    budget.bytes += res.data.length;
    const records: StoredRecord[] = [];
    for (let pos = 0; pos < res.data.length;) {
      const size = batchSizeAt(res.data, pos);
      if (size < 0 || pos + size > res.data.length) break;
      for (const r of decodeBatch(res.data, pos).records) if (r.offset >= offset && r.offset < to) records.push(r);
      pos += size;
    }
    budget.scanned += records.length;
    yield records;
    if (res.nextOffset <= offset) return;
    offset = res.nextOffset;
  }
}

/**
 * A walk over one partition that collects the records `match` accepts, up to `limit`, one read per step so that
 * the partitions of a browse take turns and share its caps fairly. Forward walks go from `from` to the end the
 * partition had when the walk began; backward walks (newest first) go from that end down to the log start, a
 * window at a time, the window doubling while matches are scarce.
 */
export class PartitionWalk {
  readonly found: StoredRecord[] = [];
  done = false;
  private readonly steps: AsyncGenerator<void>;

  constructor(
    readonly partition: number,
    private readonly store: LogStore,
    private readonly topic: string,
    direction: { forward: number } | 'backward',
    private readonly limit: number,
    private readonly match: (r: StoredRecord) => boolean,
    private readonly budget: ScanBudget,
  ) {
    const end = store.logEndOffset(topic, partition);
    this.steps = direction === 'backward' ? this.backward(end) : this.forward(Math.max(direction.forward, store.logStartOffset(topic, partition)), end);
  }

  /** Does one read; marks the walk done when it has its limit or nothing is left. */
  async step(): Promise<void> {
    if (this.done) return;
    const { done } = await this.steps.next();
    if (done || this.found.length >= this.limit) this.done = true;
  }

  private async *forward(from: number, end: number): AsyncGenerator<void> {
    for await (const records of readRange(this.store, this.topic, this.partition, from, end, this.budget)) {
      for (const r of records) {
        if (this.match(r)) this.found.push(r);
        if (this.found.length >= this.limit) return;
      }
      yield;
    }
  }

  private async *backward(end: number): AsyncGenerator<void> {
    const start = this.store.logStartOffset(this.topic, this.partition);
    let window = Math.max(this.limit, 1);
    for (let hi = end; hi > start;) {
      const lo = Math.max(start, hi - window);
      const inWindow: StoredRecord[] = [];
      for await (const records of readRange(this.store, this.topic, this.partition, lo, hi, this.budget)) {
        inWindow.push(...records);
        // A window read only in part holds older records, not the newest: it is not used.
        if (this.budget.exhausted()) return;
        yield;
      }
      for (let i = inWindow.length - 1; i >= 0; i--) {
        if (this.match(inWindow[i])) this.found.push(inWindow[i]);
        if (this.found.length >= this.limit) return;
      }
      hi = lo;
      window = Math.min(window * 2, 65_536);
      yield;
    }
  }
}
