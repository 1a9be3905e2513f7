import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Holds background work to a byte rate: each caller says how many bytes it just handled and waits until the
 * budget allows them. Compaction reads and writes through one of these per store, so that cleaning a large
 * log does not starve produce and fetch of disk and CPU.
 */
export class ByteThrottle {
  private started = performance.now();
  private bytes = 0;

  constructor(private readonly bytesPerSecond: number) {}

  async consume(bytes: number): Promise<void> {
    if (!Number.isFinite(this.bytesPerSecond)) return;
    const now = performance.now();
    // An idle throttle does not bank a burst: the window restarts after a second without work.
    if (now - this.started > 1000 + (this.bytes / this.bytesPerSecond) * 1000) {
      this.started = now;
      this.bytes = 0;
    }
    this.bytes += bytes;
    const due = this.started + (this.bytes / this.bytesPerSecond) * 1000;
    if (due > now) await sleep(due - now);
  }
}
