import { type FileHandle, open } from 'node:fs/promises';

/**
 * Bounds the number of open segment files. The active segment of each partition keeps its handle; older
 * segments are opened when read and closed again, least recently used first, once the pool is full.
 */
export interface PooledFile {
  readonly logPath: string;
  /** Set while a read is using the handle, so eviction never closes it under the reader. */
  inUse: number;
  handle: FileHandle | null;
  /** Called when the pool closes the handle to make room: drop whatever else is cached for the file. */
  evicted(): void;
}

export class HandlePool {
  private readonly lru = new Map<PooledFile, true>();

  constructor(private readonly maxOpen: number) {}

  async acquire(file: PooledFile): Promise<FileHandle> {
    file.inUse++;
    try {
      if (file.handle) {
        this.lru.delete(file);
        this.lru.set(file, true);
        return file.handle;
      }
      const handle = await open(file.logPath, 'r');
      if (file.handle) {
        // Another reader opened it meanwhile.
        await handle.close();
        return file.handle;
      }
      file.handle = handle;
      this.lru.set(file, true);
      await this.evict();
      return handle;
    } catch (err) {
      file.inUse--;
      throw err;
    }
  }

  release(file: PooledFile): void {
    file.inUse--;
  }

  async forget(file: PooledFile): Promise<void> {
    this.lru.delete(file);
    const handle = file.handle;
    file.handle = null;
    await handle?.close();
  }

  private async evict(): Promise<void> {
    for (const file of this.lru.keys()) {
      if (this.lru.size <= this.maxOpen) return;
      if (file.inUse > 0) continue;
      await this.forget(file);
      file.evicted();
    }
  }
}
