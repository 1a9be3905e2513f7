/**
 * The exact file positions of a segment's last few batches, by base offset: a ring, newest last. The segment's
 * offset index has an entry only every few KiB, which is all a reader far behind needs; a reader at the tail asks
 * for what was appended a moment ago, and finds its batch here instead of walking from the last index entry.
 */
export class RecentBatches {
  private readonly bases: Float64Array;
  private readonly positions: Float64Array;
  /** Where the next batch goes in the ring. */
  private head = 0;
  private count = 0;

  constructor(private readonly capacity: number) {
    this.bases = new Float64Array(capacity);
    this.positions = new Float64Array(capacity);
  }

  /** A batch with base offset `base` now starts at `position`; batches are remembered in file order. */
  remember(base: number, position: number): void {
    this.bases[this.head] = base;
    this.positions[this.head] = position;
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /**
   * The position of the last remembered batch whose base offset is at or below `offset` (where a walk to `offset`
   * may start), or -1 when `offset` is before every remembered batch (ask the offset index).
   */
  positionFor(offset: number): number {
    for (let k = 1; k <= this.count; k++) {
      const i = (this.head - k + this.capacity) % this.capacity;
      if (this.bases[i] <= offset) return this.positions[i];
    }
    return -1;
  }

  /** The file was cut back to `size` bytes: batches at or past it are gone. */
  dropFrom(size: number): void {
    while (this.count > 0) {
      const newest = (this.head - 1 + this.capacity) % this.capacity;
      if (this.positions[newest] < size) return;
      this.head = newest;
      this.count--;
    }
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}
