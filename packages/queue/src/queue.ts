import { KlogError, isKlogError, type Logger } from '@klog/log-core';
import { runQueueHandlers } from '@klog/protocol';
import type { Clock } from './clock.js';
import { QueueMessage } from './message.js';
import type { PartitionStats, QueueEngine } from './queue-engine.js';

export interface EachMessagePayload {
  message: QueueMessage;
  deliveryCount: number;
  /** Which of run()'s `concurrency` handlers this is (0-based). */
  worker: number;
  /** Aborted when the queue is closed: a long handler may stop early (its record is then released). */
  signal: AbortSignal;
}

export interface RunOptions {
  /** Handlers running at once (default 1); each holds one record at a time. */
  concurrency?: number;
  /** Resolves: the record is accepted. Throws: released with the queue's backoff (archived at the limit). */
  eachMessage: (payload: EachMessagePayload) => Promise<void>;
}

export interface ReceiveOptions {
  max?: number;
  signal?: AbortSignal;
  /** Give up (resolve []) after this long with nothing to deliver; default: wait until there is something. */
  maxWaitMs?: number;
}

/**
 * One consumer of a queue: records it receives are locked to it until acknowledged, until their lock runs out,
 * or until it closes (which releases them at once). Open as many as you like on the same queue; each is a
 * consumer of its own.
 */
export class Queue implements AsyncIterable<QueueMessage> {
  private readonly stop = new AbortController();
  private readonly loops = new Set<Promise<void>>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly engine: QueueEngine,
    readonly consumerId: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly onClose: (queue: Queue) => void,
  ) {}

  get name(): string {
    return this.engine.name;
  }

  /** Waits for at least one record, then returns up to `max` (default 1) of them; [] on abort or after maxWaitMs. */
  async receive(opts: ReceiveOptions = {}): Promise<QueueMessage[]> {
    if (this.stop.signal.aborted) throw new KlogError('QUEUE_CLOSED', `queue ${this.name} is closed (consumer ${this.consumerId})`);
    const signal = opts.signal ? AbortSignal.any([opts.signal, this.stop.signal]) : this.stop.signal;
    const deliveries = await this.engine.acquire(this.consumerId, opts.max ?? 1, { signal, maxWaitMs: opts.maxWaitMs });
    return deliveries.map((d) => new QueueMessage(d, async (type, o) => {
      const [err] = await this.engine.acknowledge(this.consumerId, [{
        topic: d.topic, partition: d.partition, offset: d.record.offset, deliveryCount: d.deliveryCount, type, ...o,
      }]);
      if (err !== undefined) throw err;
    }));
  }

  /**
   * Runs `concurrency` handlers until the queue is closed. While a handler runs, its record's lock is renewed
   * every lockMs/2 (the first time by 3/4 of the lock), so work longer than the lock keeps its record.
   */
  run(opts: RunOptions): Promise<void> {
    const loop = runQueueHandlers<QueueMessage>({
      fetch: (max) => this.fetchRetrying(max),
      stopped: this.stop.signal,
      lockMs: this.engine.config.lockMs,
      sleep: (ms, signal) => this.clock.sleep(ms, signal),
      ackFailed: (message, err) => this.logAck(message, err),
    }, opts.concurrency ?? 1, (message, worker) => opts.eachMessage({ message, deliveryCount: message.deliveryCount, worker, signal: this.stop.signal }));
    this.loops.add(loop);
    return loop.finally(() => this.loops.delete(loop));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<QueueMessage> {
    for (;;) {
      let batch: QueueMessage[];
      try {
        batch = await this.receive();
      } catch (err) {
        if (isKlogError(err, 'QUEUE_CLOSED')) return;
        throw err;
      }
      if (batch.length === 0) return;
      yield* batch;
    }
  }

  /** Per partition: ready, delayed, in flight, archived, lag and the age of the oldest ready record. */
  stats(): Promise<PartitionStats[]> {
    return this.engine.stats();
  }

  /** Stops receiving, waits for running handlers, and releases every record still locked to this consumer. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stop.abort();
      await Promise.all([...this.loops]);
      await this.engine.leave(this.consumerId);
      this.onClose(this);
    })();
    return this.closing;
  }

  /** For run(): records, or null once the queue is closed (or deleted); other failures are retried after a pause. */
  private async fetchRetrying(max: number): Promise<QueueMessage[] | null> {
    while (!this.stop.signal.aborted) {
      try {
        return await this.receive({ max });
      } catch (err) {
        if (isKlogError(err, 'QUEUE_CLOSED')) return null;
        this.logger.warn({ err, queue: this.name }, 'queue receive failed; retrying');
        await this.clock.sleep(1_000, this.stop.signal);
      }
    }
    return null;
  }

  private logAck(message: QueueMessage, err: unknown): void {
    this.logger.warn({ err, queue: this.name, id: message.id }, 'acknowledgement failed');
  }
}

