import type { LogStore } from '@klog/log-core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ManualClock, QueueManager } from '../src/index.js';
import { openStore, removeDir, silentLogger, tempDir, until } from './helpers.js';

let dir: string;
let store: LogStore;

beforeEach(async () => {
  dir = await tempDir();
  store = await openStore(dir, { jobs: 1 });
});
afterEach(async () => {
  await store.close();
  await removeDir(dir);
});

it('8 concurrent workers on 1 partition: 10,000 records, each accepted exactly once, every worker busy', async () => {
  const clock = new ManualClock();
  const queues = await QueueManager.open(store, { clock, logger: silentLogger });
  const queue = await queues.queue({ name: 'workers', topics: ['jobs'], start: 'earliest' });
  const N = 10_000;
  for (let i = 0; i < N; i += 500) {
    await store.append('jobs', Array.from({ length: 500 }, (_, k) => ({ value: Buffer.from(String(i + k)) })));
  }
  const accepted = new Map<string, number>();
  const perWorker = new Map<number, number>();
  const running = queue.run({
    concurrency: 8,
    eachMessage: async ({ message, worker }) => {
      // Let the other workers in: each handler yields to the event loop before it finishes.
      await new Promise((r) => setImmediate(r));
      accepted.set(message.value!.toString(), (accepted.get(message.value!.toString()) ?? 0) + 1);
      perWorker.set(worker, (perWorker.get(worker) ?? 0) + 1);
    },
  });
  await until(async () => (await queue.stats())[0].lag === 0 && accepted.size === N, 'all records accepted', 60_000);
  await queue.close();
  await running;
  expect(accepted.size).toBe(N);
  expect([...accepted.values()].every((n) => n === 1)).toBe(true);
  expect(perWorker.size).toBe(8);
  expect((await queue.stats())[0]).toMatchObject({ startOffset: N, ready: 0, inFlight: 0, delayed: 0, archived: 0 });
  // Snapshots keep the state topic short: what a reopen reads is bounded, not the history of 10,000 acks.
  const stateRecords = store.logEndOffset('__share_group_state', 0) - store.logStartOffset('__share_group_state', 0);
  expect(stateRecords).toBeLessThanOrEqual(500 + 2);
  await queues.close();
});
