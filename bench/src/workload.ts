import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

/** One record as every target receives it: opaque key and value bytes. */
export interface Message {
  key: Buffer;
  value: Buffer;
}

/**
 * Random keys and values for throughput phases. They are views into one random pool rather than a million
 * separate buffers, so generating the workload neither costs time inside a measured phase nor inflates the
 * RSS reported for embedded targets (which share this process).
 */
export class MessageSource {
  private readonly pool: Buffer;
  private cursor = 0;
  private wraps = 0;

  constructor(readonly keyBytes: number, readonly valueBytes: number) {
    // Large enough that consecutive records never repeat bytes within a batch (compressors, if any, gain nothing).
    this.pool = randomBytes(Math.max(4 * 1024 * 1024, 64 * (keyBytes + valueBytes)));
  }

  next(count: number): Message[] {
    const out = new Array<Message>(count);
    for (let i = 0; i < count; i++) out[i] = { key: this.take(this.keyBytes), value: this.take(this.valueBytes) };
    return out;
  }

  /** A fresh value (not a pool view) whose first 8 bytes are the send time, for end-to-end latency. */
  timestamped(count: number): Message[] {
    const now = performance.now();
    const out = new Array<Message>(count);
    for (let i = 0; i < count; i++) {
      const value = Buffer.allocUnsafe(this.valueBytes);
      this.take(this.valueBytes).copy(value);
      value.writeDoubleLE(now, 0);
      out[i] = { key: this.take(this.keyBytes), value };
    }
    return out;
  }

  private take(n: number): Buffer {
    // On wrap-around restart at a shifted offset so the pool's records do not simply repeat in the same order.
    if (this.cursor + n > this.pool.length) this.cursor = (++this.wraps * 997) % (this.pool.length - n);
    const view = this.pool.subarray(this.cursor, this.cursor + n);
    this.cursor += n;
    return view;
  }
}

/** Milliseconds between a timestamped value's send time and now (same process, same monotonic clock). */
export function latencyMs(value: Buffer): number {
  return performance.now() - value.readDoubleLE(0);
}
