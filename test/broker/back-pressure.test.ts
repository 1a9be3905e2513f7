// Back-pressure: a peer that pipelines fetch after fetch and never reads its socket does not make the broker
// buffer the answers without bound, and other clients keep working meanwhile.
import { encodeFrame } from '@klog/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { clientFor, consumeAll, RawConnection, removeTempDirs, startTestBroker } from './fixture.js';

afterAll(removeTempDirs);

const MiB = 1024 * 1024;

describe('back-pressure', () => {
  it('a non-reading peer asking for 200 MB of answers does not grow the broker memory by anything like that', async () => {
    const broker = await startTestBroker({ maxBufferedBytesPerConnection: 4 * MiB });
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('big', { partitions: 1 });
      const producer = client.producer({ batchBytes: 256 * 1024 });
      const value = Buffer.alloc(4096, 7);
      for (let i = 0; i < 4; i++) await producer.send({ topic: 'big', messages: Array.from({ length: 256 }, () => ({ value })) });
      await producer.close(); // about 4 MiB stored: each fetch below is answered with all of it

      const raw = await RawConnection.open(broker.port);
      raw.socket.pause(); // and never read again
      const fetch = (i: number) => encodeFrame({
        api: 'fetch', version: 0, correlationId: i, maxWaitMs: 0, maxBytes: 8 * MiB,
        topics: [{ topic: 'big', partitions: [{ partition: 0, offset: 0, maxBytes: 8 * MiB }] }],
      });
      global.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      // 50 fetches of ~4 MiB each: 200 MiB of answers, asked for in one write.
      raw.write(Buffer.concat(Array.from({ length: 50 }, (_, i) => fetch(i + 1))));
      // Let the broker do all it will do with them: other clients get answers all along.
      for (let i = 0; i < 20; i++) {
        const ends = await client.admin().fetchOffsets('big');
        expect(ends).toEqual([{ partition: 0, offset: 1024 }]);
      }
      const other = client.producer();
      await other.send({ topic: 'side', messages: [{ value: 'still served' }] });
      await other.close();
      const side = await consumeAll(client, 'side', 1, 1);
      expect((side[0].value as Buffer).toString()).toBe('still served');
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      // Generous: the limit is 4 MiB per connection plus answers being computed, far below the 200 MiB asked for.
      expect((peak - before) / MiB).toBeLessThan(100);
      raw.destroy();
    } finally {
      await client.close();
      await broker.close();
    }
  });
});
