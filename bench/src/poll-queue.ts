/**
 * Turns a push-style message stream (NATS's consume(), the klog client's `for await`) into the pull-style
 * Consumer.poll: a background pump buffers what the stream yields, poll takes what is buffered or waits.
 * The buffer is bounded by the stream's own prefetch: the pump stops pulling when `highWater` items wait.
 */
export class PollQueue<T> {
  private items: T[] = [];
  private wake: (() => void) | null = null;
  private roomWake: (() => void) | null = null;
  private failure: unknown = null;
  private ended = false;

  constructor(source: AsyncIterable<T>, private readonly highWater: number) {
    void this.pump(source);
  }

  /** Up to `max` buffered items, waiting up to maxWaitMs for the first. */
  async take(max: number, maxWaitMs: number): Promise<T[]> {
    if (this.items.length === 0 && !this.ended) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, maxWaitMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    if (this.failure !== null) throw this.failure;
    const out = this.items.length <= max ? this.items : this.items.slice(0, max);
    this.items = this.items.length <= max ? [] : this.items.slice(max);
    this.roomWake?.();
    return out;
  }

  private async pump(source: AsyncIterable<T>): Promise<void> {
    try {
      for await (const item of source) {
        this.items.push(item);
        this.wake?.();
        if (this.items.length >= this.highWater) await new Promise<void>((resolve) => (this.roomWake = resolve));
        this.roomWake = null;
      }
    } catch (err) {
      this.failure = err;
    } finally {
      this.ended = true;
      this.wake?.();
    }
  }
}
