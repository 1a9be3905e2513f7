import type { FsyncPolicy } from './fsync-policy.js';
import type { Logger } from './logger.js';

/**
 * The store's background work: retention every `retentionCheckMs` (and after every roll), compaction of
 * dirty partitions every `compactionCheckMs` (one pass at a time), and under an
 * { intervalMs } fsync policy a flush of every partition at that interval. Timers are unref'd: an idle store
 * does not keep the process alive. One retention run at a time.
 */
export class StoreMaintenance {
  private readonly timers: NodeJS.Timeout[] = [];
  private retentionRunning: Promise<void> | null = null;
  private compactionRunning: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly logger: Logger,
    private readonly work: { enforceRetention(): Promise<void>; flush(): Promise<void>; compactDirty(): Promise<void> },
  ) {}

  start(retentionCheckMs: number, fsync: FsyncPolicy, compactionCheckMs: number): void {
    const retention = setInterval(() => this.scheduleRetention(), retentionCheckMs);
    retention.unref();
    this.timers.push(retention);
    const compaction = setInterval(() => this.scheduleCompaction(), compactionCheckMs);
    compaction.unref();
    this.timers.push(compaction);
    if (typeof fsync === 'object') {
      const syncer = setInterval(() => {
        this.work.flush().catch((err) => this.logger.error({ err }, 'periodic fsync failed'));
      }, fsync.intervalMs);
      syncer.unref();
      this.timers.push(syncer);
    }
  }

  /** Starts a retention run unless one is in progress. */
  scheduleRetention(): void {
    if (this.retentionRunning || this.stopped) return;
    this.retentionRunning = this.work.enforceRetention()
      .catch((err) => this.logger.error({ err }, 'retention failed'))
      .finally(() => {
        this.retentionRunning = null;
      });
  }

  /** Starts a background compaction run unless one is in progress. */
  scheduleCompaction(): void {
    if (this.compactionRunning || this.stopped) return;
    this.compactionRunning = this.work.compactDirty()
      .catch((err) => this.logger.error({ err }, 'compaction failed'))
      .finally(() => {
        this.compactionRunning = null;
      });
  }

  /** Stops the timers; waits for a retention run in progress (a compaction run is awaited by the partitions). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await this.retentionRunning;
  }
}
