import type { Logger } from '@klog/log-core';
import type { TailedRecord, TaskTransport } from './transport.js';

/**
 * Reads one partition from its start and then follows it, handing every record to `apply` in offset order, so
 * that each process folds the same records in the same order into the same view. `sync()` waits until the view
 * holds everything written before it was called: what makes a read from another process up to date.
 */
export class TopicTail {
  private position = -1;
  private readonly waiters = new Set<{ offset: number; resolve: () => void }>();
  private readonly stop = new AbortController();
  private running: Promise<void> | undefined;
  /** The end-offset request on its way, and the one callers arriving meanwhile wait for (see endOffset). */
  private asking: Promise<number> | undefined;
  private nextAsk: Promise<number> | undefined;

  constructor(
    private readonly transport: TaskTransport,
    private readonly topic: string,
    private readonly apply: (record: TailedRecord) => void,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.running ??= this.follow();
  }

  /** Resolves once every record appended before the call has been applied. */
  async sync(): Promise<void> {
    this.start();
    await this.reach(await this.endOffset());
  }

  /**
   * The partition's end, asked after this call: callers that come while a request is on its way share the next
   * one (an answer to a request sent before a caller came could predate a write that caller knows of), so
   * thousands of result() calls at once cost two requests at a time, not one each.
   */
  private endOffset(): Promise<number> {
    if (this.asking === undefined) return this.ask();
    this.nextAsk ??= this.asking.catch(() => undefined).then(() => {
      this.nextAsk = undefined;
      return this.ask();
    });
    return this.nextAsk;
  }

  private ask(): Promise<number> {
    const asking = this.transport.endOffset(this.topic, 0);
    this.asking = asking;
    const clear = (): void => {
      if (this.asking === asking) this.asking = undefined;
    };
    asking.then(clear, clear);
    return asking;
  }

  /** Resolves once the record at `offset` (and all before it) has been applied. */
  reach(offset: number): Promise<void> {
    this.start();
    if (this.position >= offset) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add({ offset, resolve }));
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.running;
    for (const w of this.waiters) w.resolve();
    this.waiters.clear();
  }

  private async follow(): Promise<void> {
    while (!this.stop.signal.aborted) {
      try {
        await this.transport.tail(this.topic, 0, (records, next) => {
          for (const r of records) this.apply(r);
          this.position = Math.max(this.position, next);
          for (const w of this.waiters) {
            if (this.position >= w.offset) {
              this.waiters.delete(w);
              w.resolve();
            }
          }
        }, this.stop.signal);
      } catch (err) {
        if (this.stop.signal.aborted) return;
        // Refolding from the start is safe: the fold keeps the last (results) or first (claims) record per key.
        this.logger.warn({ err, topic: this.topic }, 'reading the topic failed; reading it again from the start');
        await new Promise((r) => setTimeout(r, 500).unref());
      }
    }
  }
}
