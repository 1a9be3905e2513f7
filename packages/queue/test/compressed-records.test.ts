// Queues read records through the store, which inflates each batch: every codec a producer may send is
// delivered as the plain records, once each.
import { encodeBatch } from '@klog/log-core';
import { describe, expect, it } from 'vitest';
import { until, useQueueManager } from './helpers.js';

const q = useQueueManager({ jobs: 1 });

describe('a queue over compressed batches', () => {
  it('delivers the records of gzip, snappy, lz4 and zstd batches, each once', async () => {
    const codecs = ['gzip', 'snappy', 'lz4', 'zstd'] as const;
    const expected: string[] = [];
    for (const compression of codecs) {
      const values = Array.from({ length: 25 }, (_, i) => `${compression} job ${i}`);
      expected.push(...values);
      // As a producer sends them: an encoded batch, stored as sent.
      await q.store.appendBatch('jobs', 0, encodeBatch(values.map((v) => ({ value: Buffer.from(v) })), { compression }));
    }
    const queue = await q.queues.queue({ name: 'workers', topics: ['jobs'], start: 'earliest' });
    const done: string[] = [];
    const running = queue.run({ concurrency: 4, eachMessage: async ({ message }) => void done.push(message.value!.toString()) });
    await until(() => done.length >= expected.length, 'every record delivered');
    await queue.close();
    await running;
    expect([...done].sort()).toEqual([...expected].sort());
  });
});
