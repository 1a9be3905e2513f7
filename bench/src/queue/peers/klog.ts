import { AUTO_PREFETCH_MAX } from '@klog/protocol';
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
 *
 * Two peers on that one target: klog at run()'s defaults (`concurrency` handlers, and prefetch 'auto': up to
 * AUTO_PREFETCH_MAX records fetched ahead while the handlers keep up, as a user gets it), and klog holding no more
 * than the other systems' workers do (handlers = `concurrency`, nothing fetched ahead), for a like-for-like row.
 */
const SAME_REDELIVERY = 'as klog at its defaults (fsync-1s): measured there';
const target = klogBrokerTargets.find((t) => t.setting === 'fsync-1s') ?? klogBrokerTargets[0];
/** The like-for-like row's setting (the report's second ratio is over it). */
export const HOLD_AS_PEERS_SETTING = `${target.setting}, hold as peers`;

export const klogQueue: QueuePeer = klogPeer('defaults');
export const klogQueueHoldAsPeers: QueuePeer = klogPeer('hold-as-peers');

function klogPeer(kind: 'defaults' | 'hold-as-peers'): QueuePeer {
  const asPeers = kind === 'hold-as-peers';
  return {
    target,
    ...(asPeers ? { setting: HOLD_AS_PEERS_SETTING } : { holds: (c: number) => `${c} + ≤${AUTO_PREFETCH_MAX} ahead` }),
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
            ...(asPeers ? { prefetch: 0 } : {}),
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
    // The like-for-like row differs in throughput only: redelivery is measured once, in the rows of klog at its defaults.
    redelivers: asPeers ? { kill: SAME_REDELIVERY, stop: SAME_REDELIVERY } : { kill: null, stop: null },
  };
}

async function broker(): Promise<NonNullable<Awaited<ReturnType<typeof loadBroker>>>> {
  const loaded = await loadBroker();
  if (!loaded) throw new Error('@klog/client is not built');
  return loaded;
}
