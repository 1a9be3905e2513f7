import type { EventStream } from './sse.js';

/** Records a tail may send in a burst, and per second after it. */
const BURST = 2_000;
const PER_SECOND = 1_000;
/** Unsent bytes a tail lets pile up for a client before it skips records. */
const MAX_BACKLOG = 1024 * 1024;

/**
 * Sends a tail's events while the client keeps up, and counts the ones it skips otherwise: a token bucket caps
 * the rate (a browser cannot show more), and a full socket buffer means the client is not reading. The count
 * goes out as `event: dropped { count }` as soon as events flow again, and at least once a second, so a
 * page never shows a gap it does not know about.
 */
export class TailPacer {
  private tokens = BURST;
  private last = Date.now();
  private dropped = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly stream: EventStream) {
    this.timer = setInterval(() => this.flushDropped(), 1_000);
  }

  offer(event: string, data: unknown): void {
    if (!this.canSend()) {
      this.dropped++;
      return;
    }
    this.flushDropped();
    this.tokens--;
    this.stream.send(event, data);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private canSend(): boolean {
    const now = Date.now();
    this.tokens = Math.min(BURST, this.tokens + ((now - this.last) * PER_SECOND) / 1000);
    this.last = now;
    return this.tokens >= 1 && this.stream.backlog < MAX_BACKLOG;
  }

  private flushDropped(): void {
    if (this.dropped === 0 || this.stream.backlog >= MAX_BACKLOG) return;
    this.stream.send('dropped', { count: this.dropped });
    this.dropped = 0;
  }
}
