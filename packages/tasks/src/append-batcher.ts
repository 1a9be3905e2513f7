import type { OutgoingRecord, TaskTransport } from './transport.js';

interface Waiting {
  record: OutgoingRecord;
  resolve: (at: { partition: number; offset: number }) => void;
  reject: (err: unknown) => void;
}

/**
 * Appends of many tasks in one call: records given while a topic's previous append is on its way (or in the same
 * turn of the event loop) go together, so a worker finishing sixteen tasks sends one produce request with their
 * sixteen states, not sixteen. One append per topic at a time keeps the records in the order they were given,
 * which the states rely on (a task's STARTED before its outcome). A failed append is tried again record by record,
 * so that one bad record (too large, say) fails only its own write.
 */
export class AppendBatcher {
  private readonly queued = new Map<string, Waiting[]>();
  private readonly busy = new Set<string>();

  constructor(private readonly transport: TaskTransport) {}

  /** Resolves with where the record went, once it is written. */
  append(topic: string, record: OutgoingRecord): Promise<{ partition: number; offset: number }> {
    return new Promise((resolve, reject) => {
      let waiting = this.queued.get(topic);
      if (waiting === undefined) {
        this.queued.set(topic, (waiting = []));
        // Idle: send at the end of this turn, with whatever else this turn appends.
        if (!this.busy.has(topic)) setImmediate(() => void this.drain(topic));
      }
      waiting.push({ record, resolve, reject });
    });
  }

  private async drain(topic: string): Promise<void> {
    if (this.busy.has(topic)) return;
    this.busy.add(topic);
    try {
      for (let batch = this.take(topic); batch !== undefined; batch = this.take(topic)) await this.send(topic, batch);
    } finally {
      this.busy.delete(topic);
    }
  }

  private take(topic: string): Waiting[] | undefined {
    const batch = this.queued.get(topic);
    this.queued.delete(topic);
    return batch;
  }

  private async send(topic: string, batch: Waiting[]): Promise<void> {
    try {
      const at = await this.transport.append(topic, batch.map((w) => w.record));
      batch.forEach((w, i) => w.resolve(at[i]!));
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      for (const w of batch) {
        await this.transport.append(topic, [w.record]).then(([at]) => w.resolve(at!), (e: unknown) => w.reject(e));
      }
    }
  }
}
