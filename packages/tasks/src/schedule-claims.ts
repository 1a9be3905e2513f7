import type { Logger } from '@klog/log-core';
import { TopicTail } from './topic-tail.js';
import type { TaskTransport } from './transport.js';

/**
 * Who runs a periodic tick. Every scheduler (one per worker process) enqueues each tick under the same
 * deterministic task id, so a tick may sit in the queue several times. Before running a tick, a worker appends a
 * claim (key = task id, value = the id of the queue record it holds) to a one-partition topic, reads that topic up
 * to its own claim, and runs the tick only if the first claim for the id is its record's. All processes read the
 * same partition in the same order, so they agree on the first claim; and a queue record keeps its id across
 * redeliveries, so a winner that dies mid-tick wins again when its record comes back (after lock expiry) instead
 * of losing the tick. The copies that lost are accepted without running.
 */
export class ScheduleClaims {
  private readonly first = new Map<string, string>();
  private readonly tail: TopicTail;

  constructor(private readonly transport: TaskTransport, private readonly topic: string, logger: Logger) {
    this.tail = new TopicTail(transport, topic, (r) => {
      if (r.key !== null && r.value !== null && !this.first.has(r.key)) this.first.set(r.key, r.value.toString('utf8'));
    }, logger);
  }

  /** Claims tick `taskId` for the queue record `deliveryId`; true if that record is the one to run it. */
  async claim(taskId: string, deliveryId: string): Promise<boolean> {
    const known = this.first.get(taskId);
    if (known !== undefined) return known === deliveryId;
    const [at] = await this.transport.append(this.topic, [{ key: taskId, value: Buffer.from(deliveryId) }]);
    await this.tail.reach(at!.offset + 1);
    return this.first.get(taskId) === deliveryId;
  }

  /** The latest tick time claimed for a schedule (catch-up starts after it), from keys `${prefix}${tickMs}`. */
  async lastTick(prefix: string): Promise<number | undefined> {
    await this.tail.sync();
    let last: number | undefined;
    for (const key of this.first.keys()) {
      if (!key.startsWith(prefix)) continue;
      const t = Number(key.slice(prefix.length));
      if (Number.isSafeInteger(t) && (last === undefined || t > last)) last = t;
    }
    return last;
  }

  close(): Promise<void> {
    return this.tail.close();
  }
}
