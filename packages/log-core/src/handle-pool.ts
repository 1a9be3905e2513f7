/**
 * Bounds the number of open segment descriptors, active segments included: a store with more partitions than
 * the process may open files must still work. Files are closed least recently used first; the one just used
 * (a partition being appended to) stays open, so the hot path never reopens.
 */
export interface PooledFile {
  /** Operations using the descriptor right now: the pool never closes it under them. */
  readonly inUse: number;
  /** Closes the descriptor to make room (only called while inUse is 0); it is reopened on next use. */
  evict(): void;
}

export class HandlePool {
  /** Open files, least recently used first (a Set iterates in insertion order). */
  private readonly lru = new Set<PooledFile>();
  /** The file touched last: appends to one partition in a row skip the reordering. */
  private latest: PooledFile | null = null;

  constructor(private maxOpen: number) {}

  /** Changes the bound (as partitions come and go), closing idle files beyond a lower one. */
  resize(maxOpen: number): void {
    this.maxOpen = maxOpen;
    this.closeBeyondBound(null);
  }

  /** Records that `file` has just opened its descriptor, closing idle ones beyond the bound. */
  opened(file: PooledFile): void {
    this.lru.delete(file);
    this.lru.add(file);
    this.latest = file;
    this.closeBeyondBound(file);
  }

  private closeBeyondBound(keep: PooledFile | null): void {
    for (const other of this.lru) {
      if (this.lru.size <= this.maxOpen) return;
      if (other === keep || other.inUse > 0) continue;
      this.lru.delete(other);
      if (this.latest === other) this.latest = null;
      other.evict();
    }
  }

  /** Marks an open file as just used. */
  touch(file: PooledFile): void {
    if (this.latest === file) return;
    this.lru.delete(file);
    this.lru.add(file);
    this.latest = file;
  }

  /** The file closed its descriptor itself (sealed, closed or deleted). */
  closed(file: PooledFile): void {
    this.lru.delete(file);
    if (this.latest === file) this.latest = null;
  }
}
