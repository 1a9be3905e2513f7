import { loadBroker } from '../../klog-broker-api.js';
import { klogBrokerTargets } from '../../targets/klog-broker.js';
import { requireAddress, type QueuePeer, type QueueWorker } from '../queue-peer.js';

/**
 * klog's queue mode on a broker process (fsync every second, like the peers' interval settings): the topic has
 * one partition, as the peers have one queue or stream. Workers are `client.queue().run()` members; each handler
 * accepts its record and returns, as a run() handler does (its slot takes the next record while the ack travels),
 * and the record counts as accepted only when the broker answers that the ack is durable (stricter than the
 * RabbitMQ and NATS workers, whose acks count once sent). The client sends the acks of a turn together, in the
 * member's next shareFetch when one goes out (shareFetch v1), else in a shareAcknowledge.
 */
export const klogQueue: QueuePeer = {
  target: klogBrokerTargets.find((t) => t.setting === 'fsync-1s') ?? klogBrokerTargets[0],
  async createQueue(instance, name, { lockMs }) {
    await instance.createTopic(name, 1);
    const { createClient } = await broker();
    const client = createClient({ brokers: [requireAddress(instance.address)] });
    try {
      // maxDeliveries high: a record redelivered by the redelivery measurement must not be dead-lettered.
      await client.admin().createQueue({ name, topics: [name], start: 'earliest', lockMs, maxDeliveries: 100 });
    } finally {
      await client.close();
    }
  },
  async worker(address, queue, { concurrency, hold, onDelivered, onAccepted }): Promise<QueueWorker> {
    const { createClient } = await broker();
    const client = createClient({ brokers: [address], clientId: 'klog-bench-queue' });
    const member = client.queue({ name: queue, keyDeserializer: 'buffer', valueDeserializer: 'buffer' });
    await member.ready();
    let running: Promise<void> = Promise.resolve();
    return {
      start() {
        running = member.run({
          concurrency,
          eachMessage: async ({ message, signal }) => {
            onDelivered();
            if (hold) {
              // Held until the queue closes; the throw releases the record.
              await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
              throw new Error('held');
            }
            // Not awaited: a LOCK_LOST or a lost connection leaves the record uncounted, and the run stalls.
            message.accept().then(onAccepted, () => undefined);
          },
        });
      },
      async close() {
        await member.close();
        await running;
        await client.close();
      },
    };
  },
  redelivers: { kill: null, stop: null },
};

async function broker(): Promise<NonNullable<Awaited<ReturnType<typeof loadBroker>>>> {
  const loaded = await loadBroker();
  if (!loaded) throw new Error('@klog/client is not built');
  return loaded;
}
