import type { OutgoingRecord, TaskTransport } from './transport.js';

type At = { partition: number; offset: number };

interface Waiting {
  /** A function until the record is taken for sending (a replaceable one is built only if it is sent). */
  record: OutgoingRecord | (() => OutgoingRecord);
  /** Set once the record is taken for sending: from then on it can no longer be replaced. */
  taken: boolean;
  resolve: (at: At) => void;
  reject: (err: unknown) => void;
}

/** A record taken for sending: built. */
type Sending = Waiting & { record: OutgoingRecord };

/** A record appended with appendReplaceable: until it is sent, another record may take its place in the batch. */
export interface ReplaceableAppend {
  /** Where the record in this place went, once written (the replacement's, if replaced). */
  readonly written: Promise<At>;
  /** Puts `record` in this one's place; false once it is on its way (then append `record` as usual). */
  replace(record: OutgoingRecord): boolean;
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

  /**
   * `urgent`: topics someone waits on (the queue, where a worker waits for its next task), sent as soon as the
   * code that appended yields. Appends to other topics wait for the end of the turn, where a task's STARTED can
   * still give its place to its outcome.
   */
  constructor(private readonly transport: TaskTransport, private readonly urgent: ReadonlySet<string> = new Set()) {}

  /** Resolves with where the record went, once it is written. */
  append(topic: string, record: OutgoingRecord): Promise<At> {
    return new Promise((resolve, reject) => this.enqueue(topic, { record, taken: false, resolve, reject }));
  }

  /**
   * As append, but the record may be replaced while it waits for its turn: how a task's STARTED gives its place to
   * the outcome of a task that ended before the STARTED was sent (status-writer.ts). `record` is called once the
   * record is taken for sending, so a record replaced before then is never encoded.
   */
  appendReplaceable(topic: string, record: () => OutgoingRecord): ReplaceableAppend {
    let waiting!: Waiting;
    const written = new Promise<At>((resolve, reject) => {
      waiting = { record, taken: false, resolve, reject };
      this.enqueue(topic, waiting);
    });
    return {
      written,
      replace: (next) => {
        if (waiting.taken) return false;
        waiting.record = next;
        return true;
      },
    };
  }

  private enqueue(topic: string, w: Waiting): void {
    let waiting = this.queued.get(topic);
    if (waiting === undefined) {
      this.queued.set(topic, (waiting = []));
      // Idle: send with whatever else is appended before then (a loop of delay() calls, the outcomes of the
      // tasks one fetch brought): an urgent topic's as soon as the code that appended yields, so that a lone task
      // does not wait for the event loop to come round; another's at the end of this turn. While a send is on its
      // way, appends gather for the next one.
      if (!this.busy.has(topic)) {
        if (this.urgent.has(topic)) queueMicrotask(() => void this.drain(topic));
        else setImmediate(() => void this.drain(topic));
      }
    }
    waiting.push(w);
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

  private take(topic: string): Sending[] | undefined {
    const batch = this.queued.get(topic);
    this.queued.delete(topic);
    if (batch === undefined) return undefined;
    for (const w of batch) {
      w.taken = true;
      if (typeof w.record === 'function') w.record = w.record();
    }
    return batch as Sending[];
  }

  private async send(topic: string, batch: Sending[]): Promise<void> {
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
