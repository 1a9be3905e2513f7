/**
 * Bridges a callback-style consumer (kafkajs's eachBatch) to an async iterable, for PollQueue. `push` resolves
 * only once the iterable's reader has taken the item, so the callback — and with it the client's fetching —
 * waits while the reader is full: PollQueue's high-water mark then bounds what is buffered, as it does for
 * stream sources. `end` finishes the iterable and releases every waiting push.
 */
export class HandoffStream<T> implements AsyncIterable<T> {
  private waiting: { item: T; taken: () => void }[] = [];
  private wake: (() => void) | null = null;
  private ended = false;

  push(item: T): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((taken) => {
      this.waiting.push({ item, taken });
      this.wake?.();
    });
  }

  end(): void {
    this.ended = true;
    for (const { taken } of this.waiting) taken();
    this.waiting = [];
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const next = this.waiting.shift();
      if (next !== undefined) {
        next.taken();
        yield next.item;
      } else if (this.ended) {
        return;
      } else {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
      }
    }
  }
}
