import { connect, type ChannelModel } from 'amqplib';
import { AckWindow } from '../ack-window.js';
import type { Consumer, Producer, Target, TargetInstance } from '../target.js';
import type { Message } from '../workload.js';
import { locateRabbit, startRabbitNode, type RabbitNode } from './rabbitmq-node.js';

/**
 * RabbitMQ as the classic work queue: a durable queue per topic, persistent messages published on a confirm
 * channel with a bounded window of pending confirms. AMQP messages have no key, so the body carries it as NATS
 * does: one length byte, the key, then the value. A queue is not a log (reading deletes), so this target takes
 * part in the queue suite only and has no log consumer.
 */

const PENDING_CONFIRMS = 1024;

export const rabbitmqTarget: Target = (() => {
  let script = '';
  let version = 'unknown';
  return {
    system: 'rabbitmq',
    setting: 'durable',
    // Confirms of persistent messages come once they are written to disk; RabbitMQ fsyncs in batches.
    fsyncClass: 'interval',
    isKlog: false,
    client: 'amqplib',
    async unavailable() {
      const found = locateRabbit();
      if ('reason' in found) return found.reason;
      ({ script, version } = found);
      return null;
    },
    version: () => version,
    async start() {
      const node = await startRabbitNode(script);
      try {
        return new RabbitInstance(node, await connect(node.amqpUrl));
      } catch (err) {
        await node.stop();
        throw err;
      }
    },
  };
})();

class RabbitInstance implements TargetInstance {
  private readonly connections: ChannelModel[] = [];

  constructor(private readonly node: RabbitNode, private readonly admin: ChannelModel) {
    this.connections.push(admin);
  }

  get pid(): number {
    return this.node.pid;
  }

  get address(): string {
    return this.node.amqpUrl;
  }

  async createTopic(topic: string): Promise<void> {
    const channel = await this.admin.createChannel();
    await channel.assertQueue(topic, { durable: true });
    await channel.close();
  }

  async producer(topic: string): Promise<Producer> {
    const connection = await connect(this.node.amqpUrl);
    this.connections.push(connection);
    const channel = await connection.createConfirmChannel();
    const window = new AckWindow(PENDING_CONFIRMS);
    return {
      send: async (messages: Message[]) => {
        for (const m of messages) {
          const body = Buffer.concat([Buffer.of(m.key.length), m.key, m.value]);
          window.add(new Promise<void>((resolve, reject) => {
            channel.sendToQueue(topic, body, { persistent: true }, (err: unknown) => (err ? reject(err) : resolve()));
          }));
        }
        await window.room();
      },
      flush: () => window.drain(),
      close: () => channel.close(),
    };
  }

  consumer(): Promise<Consumer> {
    return Promise.reject(new Error('rabbitmq is measured by the queue suite only (a queue has no log to read from the start)'));
  }

  async stop(): Promise<void> {
    for (const c of this.connections) await c.close().catch(() => undefined);
    await this.node.stop();
  }
}
