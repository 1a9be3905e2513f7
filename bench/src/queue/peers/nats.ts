import { AckPolicy, connect, nanos, RetentionPolicy, StorageType } from 'nats';
import { natsTarget } from '../../targets/nats.js';
import { requireAddress, type QueuePeer, type QueueWorker } from '../queue-peer.js';

const DURABLE = 'bench';

/**
 * NATS JetStream as a work queue: a file-storage stream with work-queue retention (a message is removed once
 * acknowledged), one durable pull consumer shared by every worker, explicit acknowledgements with ack_wait =
 * the lock duration. Each worker keeps `concurrency` messages pulled (consume's max_messages) and acks each
 * one; msg.ack() is a publish without a reply, so it counts as accepted once sent.
 */
export const natsQueue: QueuePeer = {
  target: natsTarget,
  async createQueue(instance, name, { lockMs }) {
    const nc = await connect({ servers: requireAddress(instance.address) });
    try {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.add({ name, subjects: [name], storage: StorageType.File, retention: RetentionPolicy.Workqueue });
      // Unacknowledged messages allowed across all workers; each worker's pull size is the real bound.
      await jsm.consumers.add(name, { durable_name: DURABLE, ack_policy: AckPolicy.Explicit, ack_wait: nanos(lockMs), max_ack_pending: 10_000 });
    } finally {
      await nc.close();
    }
  },
  async worker(address, queue, { concurrency, hold, onDelivered, onAccepted }): Promise<QueueWorker> {
    const nc = await connect({ servers: address, noAsyncTraces: true });
    const consumer = await nc.jetstream().consumers.get(queue, DURABLE);
    let loop: Promise<void> = Promise.resolve();
    let stopConsuming: () => Promise<void> = async () => undefined;
    return {
      start() {
        loop = (async () => {
          const messages = await consumer.consume({ max_messages: concurrency });
          stopConsuming = async () => {
            await messages.close();
          };
          for await (const m of messages) {
            onDelivered();
            if (hold) continue;
            m.ack();
            onAccepted();
          }
        })();
      },
      async close() {
        await stopConsuming().catch(() => undefined);
        await loop.catch(() => undefined);
        await nc.close();
      },
    };
  },
  // NATS redelivers only when ack_wait runs out, whether the worker died or hangs.
  redelivers: { kill: null, stop: null },
};
