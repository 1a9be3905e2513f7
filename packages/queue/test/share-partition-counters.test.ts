// The share partition's process counters, which the broker's metrics report: re-deliveries and dead letters
// written since the partition was loaded.
import { expect, it } from 'vitest';
import { SharePartition, type SharePartitionLimits } from '../src/index.js';

const LIMITS: SharePartitionLimits = {
  lockMs: 1_000, maxDeliveries: 3, maxRecordLocks: 10, maxWindowRecords: 1_000, backoff: { baseMs: 0, maxMs: 0 }, deadLetters: true,
};

it('counts deliveries past the first and dead letters written, and neither for a first delivery or an accept', () => {
  const sp = new SharePartition(LIMITS, { start: 0, archived: 0, records: [] });
  for (let o = 0; o < 3; o++) sp.load(o, { timestamp: 0, deliverAt: 0 }, 0);
  expect(sp.acquire('a', 3, 10).map((r) => r.deliveryCount)).toEqual([1, 1, 1]);
  sp.acknowledge('a', 0, 'accept', {}, 20);
  sp.acknowledge('a', 1, 'release', { delayMs: 0 }, 20);
  sp.acknowledge('a', 2, 'reject', { reason: 'bad' }, 20);
  expect(sp.counts(20)).toMatchObject({ redelivered: 0, deadLettered: 0 });
  expect(sp.acquire('b', 3, 30).map((r) => r.offset)).toEqual([1]);
  expect(sp.counts(30).redelivered).toBe(1);
  expect(sp.pendingDeadLetters().map((d) => d.offset)).toEqual([2]);
  sp.deadLettered(2);
  expect(sp.counts(30)).toMatchObject({ redelivered: 1, deadLettered: 1, archived: 1 });
});
