import { KlogError, type LogStore } from '@klog/log-core';
import { QueueManager, type Clock, type QueueOptions } from '@klog/queue';
import { asDelivery, queueOptionsFor, type OutgoingRecord, type TailedRecord, type TaskConsumer, type TaskDelivery, type TaskTransport, type TransportSetup } from './transport.js';

const TAIL_WAIT_MS = 1_000;

/**
 * The tasks layer over an in-process LogStore: the same topics, with the queue kept by a QueueManager of its own
 * (so a store used by tasks should not also be opened by another QueueManager).
 */
export class EmbeddedTransport implements TaskTransport {
  private manager: QueueManager | undefined;
  private queueOptions: QueueOptions | undefined;

  constructor(private readonly store: LogStore, private readonly clock?: Clock) {}

  async setUp(s: TransportSetup): Promise<void> {
    const create = async (name: string, config: Parameters<LogStore['createTopic']>[1]): Promise<void> => {
      if (!this.store.hasTopic(name)) await this.store.createTopic(name, config);
    };
    await create(s.topics.queue, { partitions: s.partitions });
    await create(s.topics.results, { partitions: 1, cleanupPolicy: 'compact,delete', retentionMs: s.resultTtlMs });
    await create(s.topics.revokes, { partitions: 1, cleanupPolicy: 'compact,delete', retentionMs: s.resultTtlMs });
    await create(s.topics.claims, { partitions: 1, retentionMs: s.claimsRetentionMs });
    await create(s.topics.deadLetters, { partitions: 1 });
  }

  async setUpQueue(s: TransportSetup): Promise<void> {
    this.manager ??= await QueueManager.open(this.store, this.clock === undefined ? {} : { clock: this.clock });
    this.queueOptions = queueOptionsFor(s);
    await this.manager.create(this.queueOptions);
  }

  async append(topic: string, records: OutgoingRecord[]): Promise<{ partition: number; offset: number }[]> {
    return this.store.append(topic, records.map((r) => ({ key: Buffer.from(r.key), value: r.value, headers: r.headers ?? [] })));
  }

  async endOffset(topic: string, partition: number): Promise<number> {
    return this.store.logEndOffset(topic, partition);
  }

  async startOffset(topic: string, partition: number): Promise<number> {
    return this.store.logStartOffset(topic, partition);
  }

  async tail(topic: string, partition: number, onRecords: (records: TailedRecord[], nextOffset: number) => void | Promise<void>, signal: AbortSignal): Promise<void> {
    let offset = this.store.logStartOffset(topic, partition);
    while (!signal.aborted) {
      // Compaction or retention may have removed what we were about to read: go on from the new start.
      offset = Math.max(offset, this.store.logStartOffset(topic, partition));
      const { records, nextOffset } = await this.store.read(topic, partition, { offset });
      await onRecords(records.map((r) => ({ key: r.key === null ? null : r.key.toString('utf8'), value: r.value, offset: r.offset })), nextOffset);
      if (nextOffset > offset) {
        offset = nextOffset;
        continue;
      }
      await this.store.waitForAppend(topic, partition, offset, TAIL_WAIT_MS, signal).catch(() => undefined);
    }
  }

  consume(opts: { concurrency: number; eachDelivery: (d: TaskDelivery) => Promise<void> }): TaskConsumer {
    const { manager, queueOptions } = this;
    if (manager === undefined || queueOptions === undefined) throw new KlogError('INVALID_CONFIG', 'the embedded queue is not set up: start a worker with tasks.worker()');
    // The same options as setUp gave, so that opening the queue changes none of its settings.
    const opening = manager.queue(queueOptions);
    const done = opening.then((q) => q.run({ concurrency: opts.concurrency, eachMessage: ({ message }) => opts.eachDelivery(asDelivery(message, message.value)) }));
    return { done, close: async () => (await opening).close() };
  }

  async close(): Promise<void> {
    await this.manager?.close();
  }
}

