import type { Logger } from '@klog/log-core';
import type { TailedRecord, TaskTransport } from './transport.js';

/**
 * How a tail may space its reads: after a read that brought records, wait `gapMs` before the next one unless
 * someone waits on the tail (`reach`, `sync`) or `urgent()` says so (a wait cut short by `hurry`). One read then
 * brings all that was written over the gap, rather than one read per append: for a reader nobody waits on (the
 * results view of a process that read a status once) that is most of the requests it sends.
 */
export interface TailPace {
  gapMs: number;
  urgent(): boolean;
}

/** A read that brings this many records or more is catching up on a backlog: the next follows at once. */
const CATCHING_UP = 1_000;

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
  /** Ends the current gap between paced reads (see TailPace), when one is under way. */
  private endGap: (() => void) | undefined;

  constructor(
    private readonly transport: TaskTransport,
    private readonly topic: string,
    private readonly apply: (record: TailedRecord) => void,
    private readonly logger: Logger,
    private readonly pace?: TailPace,
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
    this.hurry();
    return new Promise((resolve) => this.waiters.add({ offset, resolve }));
  }

  /** Reads at once if the tail is waiting out a gap between paced reads (see TailPace). */
  hurry(): void {
    this.endGap?.();
  }

  async close(): Promise<void> {
    this.stop.abort();
    this.hurry();
    await this.running;
    for (const w of this.waiters) w.resolve();
    this.waiters.clear();
  }

  /**
   * Whether to wait out a gap after a read of `n` records: not after an empty one (the next read is a long poll,
   * which answers as soon as something is written), nor after a large one (catching up on a backlog), nor while
   * someone waits on the tail.
   */
  private paced(n: number): boolean {
    return this.pace !== undefined && n > 0 && n < CATCHING_UP && this.waiters.size === 0 && !this.pace.urgent();
  }

  /** Waits `ms` (real time: pacing is about requests, not about a task's clock) or until hurry(). */
  private gap(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.endGap?.(), ms);
      this.endGap = () => {
        clearTimeout(timer);
        this.endGap = undefined;
        resolve();
      };
    });
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
          if (this.paced(records.length)) return this.gap(this.pace!.gapMs);
          return undefined;
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

/**
 * Drops the entries of a view folded from `topic` whose record is before the partition's start: retention deleted
 * it, so the id reads as unknown again, as in a process that starts now, and the view stays about as big as the topic.
 */
export async function forgetDeleted<V>(transport: TaskTransport, topic: string, entries: Map<string, V>, offsetOf: (v: V) => number): Promise<void> {
  const start = await transport.startOffset(topic, 0);
  for (const [id, v] of entries) if (offsetOf(v) < start) entries.delete(id);
}
