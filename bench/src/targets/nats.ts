import { AckPolicy, connect, StorageType, type JsMsg, type NatsConnection } from 'nats';
import { AckWindow } from '../ack-window.js';
import { ensureBinary, serverVersion } from '../ensure-binary.js';
import { freePort } from '../free-port.js';
import { PollQueue } from '../poll-queue.js';
import { ServerProcess } from '../server-process.js';
import { POLL_WAIT_MS, type Consumer, type Producer, type Target, type TargetInstance } from '../target.js';
import { tempDataDir } from '../temp-dir.js';
import type { Message } from '../workload.js';

/**
 * NATS JetStream: one file-storage stream per topic (subject = topic), async publish with a bounded window
 * of pending acks, a durable pull consumer fetching in batches. NATS messages have no key, so the payload
 * carries it: one length byte, the key, then the value (so nearly the same bytes are stored as elsewhere).
 */

const DURABLE = 'bench';
const FETCH_BATCH = 1000;
const PENDING_ACKS = 1024;

export const natsTarget: Target = (() => {
  let binary = '';
  return {
    system: 'nats',
    setting: 'file',
    // JetStream acknowledges once written to its files; fsync is left to a background timer (minutes).
    fsyncClass: 'none',
    isKlog: false,
    client: 'nats.js',
    async unavailable() {
      const found = ensureBinary('nats-server', 'nats-server');
      if ('reason' in found) return found.reason;
      binary = found.path;
      return null;
    },
    version: () => (binary ? serverVersion(binary, /v(\d\S*)/) : 'unknown'),
    async start() {
      const dir = tempDataDir('nats');
      const port = await freePort();
      const server = await ServerProcess.start('nats-server', binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir.path], port);
      try {
        // noAsyncTraces: no Error (stack capture) per request; the client's documented setting for fast publishers.
        const nc = await connect({ servers: `127.0.0.1:${port}`, noAsyncTraces: true });
        return new NatsInstance(server, nc, `127.0.0.1:${port}`, dir.remove);
      } catch (err) {
        await server.stop();
        dir.remove();
        throw err;
      }
    },
  };
})();

class NatsInstance implements TargetInstance {
  constructor(
    private readonly server: ServerProcess,
    private readonly nc: NatsConnection,
    readonly address: string,
    private readonly removeDir: () => void,
  ) {}

  get pid(): number {
    return this.server.pid;
  }

  async createTopic(topic: string): Promise<void> {
    const jsm = await this.nc.jetstreamManager();
    await jsm.streams.add({ name: topic, subjects: [topic], storage: StorageType.File });
    await jsm.consumers.add(topic, {
      durable_name: DURABLE,
      // Acking a message acks all before it: one ack per fetched batch, like XACK of a batch or a Kafka commit.
      ack_policy: AckPolicy.All,
      // Above the fetch batch, so that acking once per batch never stalls delivery.
      max_ack_pending: 20 * FETCH_BATCH,
    });
  }

  async producer(topic: string): Promise<Producer> {
    const js = this.nc.jetstream();
    const window = new AckWindow(PENDING_ACKS);
    return {
      send: async (messages: Message[]) => {
        // All of the chunk in one tick, so the client writes it to the socket in one go; then wait for acks.
        for (const m of messages) window.add(js.publish(topic, Buffer.concat([Buffer.of(m.key.length), m.key, m.value])));
        await window.room();
      },
      flush: () => window.drain(),
      close: async () => undefined,
    };
  }

  async consumer(topic: string): Promise<Consumer> {
    const consumer = await this.nc.jetstream().consumers.get(topic, DURABLE);
    const messages = await consumer.consume({ max_messages: FETCH_BATCH });
    const queue = new PollQueue<JsMsg>(messages, 4 * FETCH_BATCH);
    return {
      poll: async () => {
        const batch = await queue.take(FETCH_BATCH, POLL_WAIT_MS);
        batch.at(-1)?.ack();
        return batch.map(({ data }) => {
          const start = 1 + data[0];
          return Buffer.from(data.buffer, data.byteOffset + start, data.length - start);
        });
      },
      close: async () => {
        await messages.close();
      },
    };
  }

  async stop(): Promise<void> {
    await this.nc.close();
    await this.server.stop();
    this.removeDir();
  }
}
