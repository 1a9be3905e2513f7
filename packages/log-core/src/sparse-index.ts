import { appendFileSync, writeFileSync } from 'node:fs';

/**
 * An append-only file of fixed-size entries whose key grows monotonically, searched by binary search.
 * Both per-segment indexes (offset → position, timestamp → offset) are one of these: the index is sparse
 * (one entry every few KiB of log), so holding a segment's entries in memory costs little.
 */
export class SparseIndex {
  private buf: Buffer;
  private count = 0;
  /** Entries [flushed, count) are in memory but not yet written to the file. */
  private flushed = 0;
  /** Set when entries were dropped: the file holds more than memory and must be rewritten whole. */
  private stale = false;

  constructor(
    readonly path: string,
    readonly entrySize: number,
    private readonly keyAt: (buf: Buffer, pos: number) => number,
  ) {
    this.buf = Buffer.alloc(entrySize * 64);
  }

  get length(): number {
    return this.count;
  }

  /** Replaces the contents with entries read from disk (already checked by the caller). */
  load(data: Buffer): void {
    this.count = Math.floor(data.length / this.entrySize);
    this.buf = Buffer.alloc(Math.max(this.entrySize * 64, this.count * this.entrySize * 2));
    data.copy(this.buf, 0, 0, this.count * this.entrySize);
    this.flushed = this.count;
    this.stale = false;
  }

  /** Returns a buffer of entrySize bytes to fill in; it becomes the last entry. */
  appendSlot(): Buffer {
    const need = (this.count + 1) * this.entrySize;
    if (need > this.buf.length) {
      const grown = Buffer.alloc(this.buf.length * 2);
      this.buf.copy(grown, 0, 0, this.count * this.entrySize);
      this.buf = grown;
    }
    const slot = this.buf.subarray(this.count * this.entrySize, need);
    this.count++;
    return slot;
  }

  entry(i: number): Buffer {
    return this.buf.subarray(i * this.entrySize, (i + 1) * this.entrySize);
  }

  key(i: number): number {
    return this.keyAt(this.buf, i * this.entrySize);
  }

  /** Index of the last entry whose key is <= target, or -1 when every key is greater (or there are none). */
  floor(target: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.key(mid) <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Drops entries from `keep` on; the file is rewritten at the next flush. */
  drop(keep: number): void {
    if (keep >= this.count) return;
    this.count = keep;
    this.stale = true;
  }

  get unflushed(): number {
    return this.count - this.flushed;
  }

  /**
   * Writes entries not yet on disk. Indexes are derived data that recovery checks and rebuilds, so they are
   * never fsynced; synchronous writes keep them in step with the log without a queue.
   */
  flush(): void {
    if (this.stale) return this.rewrite();
    if (this.flushed === this.count) return;
    appendFileSync(this.path, this.buf.subarray(this.flushed * this.entrySize, this.count * this.entrySize));
    this.flushed = this.count;
  }

  /** Rewrites the whole file from memory (after a rebuild or dropped entries). */
  rewrite(): void {
    writeFileSync(this.path, this.buf.subarray(0, this.count * this.entrySize));
    this.flushed = this.count;
    this.stale = false;
  }

  /** Frees the entries' memory; the file is untouched and `load` brings them back. */
  unload(): void {
    this.buf = Buffer.alloc(this.entrySize * 64);
    this.count = 0;
    this.flushed = 0;
    this.stale = false;
  }

  clear(): void {
    this.count = 0;
    this.stale = true;
  }
}
