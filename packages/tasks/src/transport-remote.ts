import { createClient, isKlogError, type Client, type ClientOptions, type Producer } from '@klog/client';
import { asDelivery, queueOptionsFor, type OutgoingRecord, type TailedRecord, type TaskConsumer, type TaskDelivery, type TaskTransport, type TransportSetup } from './transport.js';

/** The tasks layer over a broker: a producer, a queue member per worker, plain consumers to tail topics. */
export class RemoteTransport implements TaskTransport {
  private readonly client: Client;
  private producer: Producer | undefined;
  private queueName = '';

  constructor(opts: ClientOptions) {
    this.client = createClient({ clientId: 'klog-tasks', ...opts });
  }

  async setUp(s: TransportSetup): Promise<void> {
    const admin = this.client.admin();
    const create = async (name: string, settings: Parameters<typeof admin.createTopic>[1]): Promise<void> => {
      // Several processes set up at once: whoever comes second finds the topic there, which is what it wanted.
      await admin.createTopic(name, settings).catch((err: unknown) => {
        if (!isKlogError(err, 'TOPIC_EXISTS')) throw err;
      });
    };
    await create(s.topics.queue, { partitions: s.partitions });
    await create(s.topics.results, { partitions: 1, cleanupPolicy: 'compact,delete', retentionMs: s.resultTtlMs });
    await create(s.topics.revokes, { partitions: 1, cleanupPolicy: 'compact,delete', retentionMs: s.resultTtlMs });
    await create(s.topics.claims, { partitions: 1, retentionMs: s.claimsRetentionMs });
    await create(s.topics.deadLetters, { partitions: 1 });
  }

  async setUpQueue(s: TransportSetup): Promise<void> {
    await this.client.admin().createQueue(queueOptionsFor(s));
    this.queueName = s.topics.queue;
  }

  async append(topic: string, records: OutgoingRecord[]): Promise<{ partition: number; offset: number }[]> {
    // No linger: the tasks layer's AppendBatcher already gathers what is appended meanwhile, so waiting longer adds only latency.
    this.producer ??= this.client.producer({ lingerMs: 0 });
    const sent = await this.producer.send({ topic, messages: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers ?? [] })) });
    return sent.map((m) => ({ partition: m.partition, offset: m.offset }));
  }

  async endOffset(topic: string, partition: number): Promise<number> {
    const offsets = await this.client.admin().fetchOffsets(topic, 'latest');
    return offsets.find((o) => o.partition === partition)?.offset ?? 0;
  }

  async startOffset(topic: string, partition: number): Promise<number> {
    const offsets = await this.client.admin().fetchOffsets(topic, 'earliest');
    return offsets.find((o) => o.partition === partition)?.offset ?? 0;
  }

  async tail(topic: string, partition: number, onRecords: (records: TailedRecord[], nextOffset: number) => void | Promise<void>, signal: AbortSignal): Promise<void> {
    const consumer = this.client.consumer({ maxWaitMs: 200 });
    consumer.assign([{ topic, partition, offset: 'earliest' }]);
    const stop = (): void => void consumer.close();
    signal.addEventListener('abort', stop, { once: true });
    try {
      while (!signal.aborted) {
        const batches = await consumer.poll();
        const records = batches.flat().map((m): TailedRecord => ({
          key: m.key === null ? null : (m.key as Buffer).toString('utf8'),
          value: m.value as Buffer | null,
          offset: m.offset,
        }));
        const next = consumer.position(topic, partition);
        if (next !== undefined) await onRecords(records, next);
      }
    } finally {
      signal.removeEventListener('abort', stop);
      await consumer.close();
    }
  }

  consume(opts: { concurrency: number; eachDelivery: (d: TaskDelivery) => Promise<void> }): TaskConsumer {
    const queue = this.client.queue({ name: this.queueName });
    const done = queue.run({ concurrency: opts.concurrency, eachMessage: ({ message }) => opts.eachDelivery(asDelivery(message, message.value as Buffer | null)) });
    return { done, close: () => queue.close() };
  }

  async close(): Promise<void> {
    await this.producer?.close();
    await this.client.close();
  }
}

