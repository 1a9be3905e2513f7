/** The most records run() fetches ahead by itself ('auto'): a member holds no more than this beyond its handlers. */
export const AUTO_PREFETCH_MAX = 256;
/**
 * The share of a lock a record fetched ahead may spend waiting for a handler, at the handlers' recent pace: the
 * rest of the lock is the handler's. An eighth leaves room for a pace that drops suddenly.
 */
const WAIT_SHARE_OF_LOCK = 1 / 8;

/**
 * How many records run() fetches ahead of its handlers when the caller leaves it to run() ('auto'). Each fetch
 * is a round trip and a state write at the broker whatever its size, so fast handlers want large fetches; but a
 * record fetched ahead is locked from the fetch, so slow handlers must not queue up more than they start well
 * within a lock. The pace (records started per ms since the previous fetch was answered) decides: prefetch is
 * what the handlers start in an eighth of the lock at that pace, at most AUTO_PREFETCH_MAX but never below
 * `concurrency` (run()'s fixed default before). A pause (an empty queue's long-poll) lowers the pace, and the next
 * fetch is small again until the handlers show they keep up.
 */
export class AutoPrefetch {
  private started = 0;
  private since: number;
  private value: number;

  constructor(private readonly concurrency: number, private readonly lockMs: number, private readonly now: () => number) {
    this.value = concurrency;
    this.since = now();
  }

  get current(): number {
    return this.value;
  }

  /** A handler started a record. */
  recordStarted(): void {
    this.started++;
  }

  /** A fetch was answered: the pace since the previous answer sets the prefetch of the next fetch. */
  fetched(): void {
    const t = this.now();
    const elapsed = Math.max(1, t - this.since);
    const pace = this.started / elapsed;
    this.value = Math.max(this.concurrency, Math.min(AUTO_PREFETCH_MAX, Math.floor(pace * this.lockMs * WAIT_SHARE_OF_LOCK)));
    this.started = 0;
    this.since = t;
  }
}
