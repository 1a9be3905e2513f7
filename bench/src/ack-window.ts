/**
 * A bounded window of in-flight sends: the producer keeps up to `limit` unacknowledged requests outstanding
 * (pipelining) and waits for the oldest when full, like Kafka's max.in.flight or NATS's pending-ack window.
 * `add` does not wait, so a caller can issue a whole chunk in one tick (letting the client coalesce the
 * writes) and then wait once with `room`.
 */
export class AckWindow {
  private pending: Promise<unknown>[] = [];
  private head = 0;

  constructor(private readonly limit: number) {}

  add(request: Promise<unknown>): void {
    // Keep only whether it succeeded: its value (a send's per-record metadata) would otherwise stay reachable
    // until drain, which in a long latency run grows the old generation and brings major GCs into the figures.
    const settled = request.then(() => undefined);
    // Mark as handled now: it is awaited later, and a rejection before then must not crash the process.
    settled.catch(() => undefined);
    this.pending.push(settled);
  }

  /** Resolves once at most `limit` requests are in flight. Rethrows a failed request's error. */
  async room(): Promise<void> {
    while (this.pending.length - this.head > this.limit) await this.pending[this.head++];
    if (this.head > 4096) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
  }

  /** Resolves when every request added so far is acknowledged. */
  async drain(): Promise<void> {
    while (this.head < this.pending.length) await this.pending[this.head++];
    this.pending = [];
    this.head = 0;
  }
}
