import { connect } from 'amqplib';
import { rabbitmqTarget } from '../../targets/rabbitmq.js';
import type { QueuePeer, QueueWorker } from '../queue-peer.js';

/**
 * RabbitMQ's classic work queue: a durable queue, manual acknowledgements, prefetch = concurrency. An ack is
 * one frame per message with no reply (the protocol has none), so a worker counts a record accepted once its
 * ack is written.
 */
export const rabbitmqQueue: QueuePeer = {
  target: rabbitmqTarget,
  // No lock to set: RabbitMQ takes a record back when its consumer's connection or channel closes.
  createQueue: (instance, name) => instance.createTopic(name, 1),
  async worker(address, queue, { concurrency, hold, onDelivered, onAccepted }): Promise<QueueWorker> {
    const connection = await connect(address);
    const channel = await connection.createChannel();
    await channel.prefetch(concurrency);
    return {
      start() {
        channel.consume(queue, (msg) => {
          if (msg === null) return;
          onDelivered();
          if (hold) return;
          channel.ack(msg);
          onAccepted();
        }, { noAck: false }).catch((err: unknown) => {
          // Nothing more will arrive: the run shows it as stalled, with this line saying why.
          process.stderr.write(`rabbitmq worker: consume failed: ${err instanceof Error ? err.message : String(err)}\n`);
        });
      },
      async close() {
        // Closing the connection requeues whatever this worker still holds.
        await connection.close().catch(() => undefined);
      },
    };
  },
  redelivers: {
    kill: null,
    stop: 'a hung consumer keeps its messages until its connection times out (heartbeat) or consumer_timeout (30 min)',
  },
};
