import { describe, expect, it } from 'vitest';
import { QueueManager } from '../src/index.js';
import { openStore, removeDir, silentLogger, tempDir } from './helpers.js';

describe('acknowledgement ranges', () => {
  it('apply to every offset of the range held by the member, refuse the others one by one, and are durable', async () => {
    const dir = await tempDir();
    try {
      let store = await openStore(dir, { jobs: 1 });
      let queues = await QueueManager.open(store, { logger: silentLogger });
      await queues.create({ name: 'q', topics: ['jobs'], start: 'earliest' });
      await store.append('jobs', Array.from({ length: 10 }, (_, i) => ({ value: Buffer.from(`r${i}`) })));
      const got = await queues.acquire('q', 'm1', { max: 6 });
      expect(got.map((d) => d.record.offset)).toEqual([0, 1, 2, 3, 4, 5]);

      const results = await queues.acknowledgeRanges('q', 'm1', [
        { topic: 'jobs', partition: 0, firstOffset: 0, lastOffset: 3, type: 'accept' },
        // 5 is held, 6 and 7 were never delivered.
        { topic: 'jobs', partition: 0, firstOffset: 5, lastOffset: 7, type: 'release', delayMs: 0 },
        { topic: 'jobs', partition: 0, firstOffset: 9, lastOffset: 2, type: 'accept' },
        { topic: 'nope', partition: 0, firstOffset: 0, lastOffset: 0, type: 'accept' },
      ]);
      expect(results[0]).toEqual([]);
      expect(results[1].map((f) => [f.offset, f.error.code])).toEqual([[6, 'INVALID_ACK'], [7, 'INVALID_ACK']]);
      expect(results[2].map((f) => [f.offset, f.error.code])).toEqual([[9, 'INVALID_ACK']]);
      expect(results[3].map((f) => f.error.code)).toEqual(['INVALID_ACK']);
      // Acknowledged twice: refused, offset by offset.
      const again = await queues.acknowledgeRanges('q', 'm1', [{ topic: 'jobs', partition: 0, firstOffset: 2, lastOffset: 4, type: 'accept' }]);
      expect(again[0].map((f) => f.offset)).toEqual([2, 3]);
      expect((await queues.stats('q'))[0].startOffset).toBe(5);

      // What the ranges did survives a restart: 0..4 done, 5 released with its delivery used up once.
      await queues.close();
      await store.close();
      store = await openStore(dir);
      queues = await QueueManager.open(store, { logger: silentLogger });
      const after = await queues.acquire('q', 'm2', { max: 10 });
      expect(after.map((d) => [d.record.offset, d.deliveryCount])).toEqual([[5, 2], [6, 1], [7, 1], [8, 1], [9, 1]]);
      await queues.close();
      await store.close();
    } finally {
      await removeDir(dir);
    }
  });
});
