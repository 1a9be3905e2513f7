import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FsyncPolicy } from '@klog/log-core';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { AckWindow } from '../ack-window.js';
import { kcatClient, type CapacityClient } from '../capacity-clients.js';
import { freePort } from '../free-port.js';
import { HandoffStream } from '../handoff-stream.js';
import { loadBroker } from '../klog-broker-api.js';
import { PollQueue } from '../poll-queue.js';
import { ServerProcess } from '../server-process.js';
import { POLL_WAIT_MS, type Consumer, type FsyncClass, type Producer, type Target, type TargetInstance } from '../target.js';
import { tempDataDir } from '../temp-dir.js';
import type { Message } from '../workload.js';

/**
 * The klog broker (the same child process as klog-broker) driven through its Kafka listener by kafkajs, a stock
 * Kafka client: what a Kafka application gets from klog, next to what klog's own client gets. It runs like a
 * peer (one partition, no scale suite), and the report compares it with the klog-broker row.
 */

const SERVER_ENTRY = fileURLToPath(new URL('../klog-broker-server.js', import.meta.url));
/** producer.send calls in flight, as for the klog client: each is one chunk of records, one Produce request. */
const SEND_WINDOW = 32;
/** eachBatch batches buffered ahead of poll(); kafkajs's fetching waits while they are. */
const BUFFERED_BATCHES = 4;
const KAFKAJS_VERSION = (createRequire(import.meta.url)('kafkajs/package.json') as { version: string }).version;

function klogKafkaTarget(setting: string, fsyncClass: FsyncClass, fsync: FsyncPolicy, capacity?: CapacityClient): Target {
  return {
    system: 'klog-kafka',
    setting,
    fsyncClass,
    isKlog: false,
    client: 'kafkajs',
    ...(capacity ? { capacity } : {}),
    async unavailable() {
      return (await loadBroker()) ? null : 'klog-kafka: not available (broker package not built)';
    },
    version: () => `workspace (kafkajs ${KAFKAJS_VERSION})`,
    async start() {
      const dir = tempDataDir('klog-kafka');
      const kafkaPort = await freePort();
      // Native port 0: the broker picks one; only the Kafka listener is used (and waited for).
      const server = await ServerProcess.start('klog-broker', process.execPath, [SERVER_ENTRY, dir.path, '0', JSON.stringify(fsync), String(kafkaPort)], kafkaPort);
      const kafka = new Kafka({ clientId: 'klog-bench', brokers: [`127.0.0.1:${kafkaPort}`], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      try {
        await admin.connect();
      } catch (err) {
        await server.stop();
        dir.remove();
        throw err;
      }
      return new KafkaInstance(server, kafka, admin, `127.0.0.1:${kafkaPort}`, dir.remove);
    },
  };
}

class KafkaInstance implements TargetInstance {
  constructor(
    private readonly server: ServerProcess,
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    /** The Kafka listener, for Kafka clients in other processes (kcat). */
    readonly address: string,
    private readonly removeDir: () => void,
  ) {}

  get pid(): number {
    return this.server.pid;
  }

  async createTopic(topic: string, partitions: number): Promise<void> {
    await this.admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  }

  async producer(topic: string): Promise<Producer> {
    // kafkajs does not linger: each send() is one Produce request, so both producer modes send at once.
    const producer = this.kafka.producer();
    await producer.connect();
    const window = new AckWindow(SEND_WINDOW);
    return {
      send: (messages: Message[]) => {
        // acks 1, as for the other targets: acknowledged once the broker has written it.
        window.add(producer.send({ topic, messages, acks: 1 }));
        return window.room();
      },
      flush: () => window.drain(),
      close: () => producer.disconnect(),
    };
  }

  async consumer(topic: string): Promise<Consumer> {
    // A group of one per topic, committing after each batch (kafkajs's default), like the peers' consumer groups.
    const consumer = this.kafka.consumer({ groupId: `bench-${topic}` });
    const batches = new HandoffStream<Buffer[]>();
    const queue = new PollQueue(batches, BUFFERED_BATCHES);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    // run() resolves once the group is joined, so a latency producer starting next is already being followed.
    await consumer.run({
      eachBatch: async ({ batch }) => {
        await batches.push(batch.messages.flatMap((m) => (m.value === null ? [] : [m.value])));
      },
    });
    return {
      poll: async () => (await queue.take(BUFFERED_BATCHES, POLL_WAIT_MS)).flat(),
      close: async () => {
        batches.end();
        await consumer.disconnect();
      },
    };
  }

  async stop(): Promise<void> {
    await this.admin.disconnect();
    await this.server.stop();
    this.removeDir();
  }
}

export const klogKafkaTargets: Target[] = [
  // The capacity suite: the broker at its fastest setting, driven by kcat (librdkafka, C) instead of kafkajs.
  klogKafkaTarget('fsync-never', 'none', 'never', kcatClient()),
  klogKafkaTarget('fsync-1s', 'interval', { intervalMs: 1000 }),
];
