import { Redis } from 'ioredis';
import { redisTargets } from '../../targets/redis.js';
import type { QueuePeer, QueueWorker } from '../queue-peer.js';

/** The consumer group the redis target creates with each stream. */
const GROUP = 'bench';
const BLOCK_MS = 100;

type StreamReply = [Buffer, [Buffer, Buffer[]][]][] | null;

/**
 * Redis Streams as a work queue (AOF fsync every second): one stream, one consumer group, each worker a named
 * consumer reading XREADGROUP COUNT = concurrency and acknowledging each entry with its own XACK (sent at once,
 * so they share the connection's round trip), then reading again.
 */
export const redisQueue: QueuePeer = {
  target: redisTargets.find((t) => t.setting === 'aof-everysec') ?? redisTargets[0],
  createQueue: (instance, name) => instance.createTopic(name, 1),
  async worker(address, queue, { concurrency, name, hold, onDelivered, onAccepted }): Promise<QueueWorker> {
    const [host, port] = address.split(':');
    const client = new Redis({ host, port: Number(port), maxRetriesPerRequest: 0, lazyConnect: true });
    await client.connect();
    let closed = false;
    let loop: Promise<void> = Promise.resolve();
    const work = async (): Promise<void> => {
      while (!closed) {
        const reply = (await client.callBuffer(
          'XREADGROUP', 'GROUP', GROUP, name, 'COUNT', concurrency, 'BLOCK', BLOCK_MS, 'STREAMS', queue, '>',
        )) as StreamReply;
        const entries = reply?.[0]?.[1] ?? [];
        for (let i = 0; i < entries.length; i++) onDelivered();
        if (hold) continue;
        await Promise.all(entries.map(([id]) => client.xack(queue, GROUP, id).then(onAccepted)));
      }
    };
    return {
      start() {
        loop = work();
      },
      async close() {
        closed = true;
        await loop.catch(() => undefined);
        client.disconnect();
      },
    };
  },
  redelivers: {
    kill: 'Redis keeps a dead consumer\'s entries pending until another consumer claims them (XAUTOCLAIM); it does not redeliver on its own',
    stop: 'Redis keeps a dead consumer\'s entries pending until another consumer claims them (XAUTOCLAIM); it does not redeliver on its own',
  },
};
