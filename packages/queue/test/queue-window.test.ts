// A backlog much longer than the window: every record is delivered once, in offset order, and the log is read
// about once for it all (the records read past a full window wait in the engine instead of being read again).
import { describe, expect, it, vi } from 'vitest';
import { useQueueManager } from './helpers.js';

const q = useQueueManager({ jobs: 1 });

describe('a backlog longer than the window', () => {
  it('is delivered once, in order, with the log read a few times rather than once per few records admitted', async () => {
    const total = 1_000;
    await q.store.append('jobs', Array.from({ length: total }, (_, i) => ({ value: Buffer.from(`r${i}`) })));
    const queue = await q.queues.queue({ name: 'w', topics: ['jobs'], start: 'earliest', maxRecordLocks: 7, maxWindowRecords: 10 });
    const reads = vi.spyOn(q.store, 'read');
    const got: string[] = [];
    while (got.length < total) {
      const batch = await queue.receive({ max: 7, maxWaitMs: 0 });
      expect(batch.length).toBeGreaterThan(0);
      // Out of order within the batch: the window's start moves only over the finished prefix.
      for (const m of [...batch].reverse()) {
        got.push(m.value!.toString());
        await m.accept();
      }
    }
    expect(new Set(got).size).toBe(total);
    expect([...got].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))).toEqual(Array.from({ length: total }, (_, i) => `r${i}`));
    const jobReads = reads.mock.calls.filter(([topic]) => topic === 'jobs').length;
    expect(jobReads).toBeLessThan(10);
    expect((await queue.stats())[0]).toMatchObject({ lag: 0, startOffset: total });
  });
});
