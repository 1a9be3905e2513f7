import { expect, it } from 'vitest';
import { ManualClock, QueueManager, STATE_TOPIC } from '../src/index.js';
import { openStore, removeDir, silentLogger, tempDir } from './helpers.js';

/**
 * When the state writer's rounds begin (state-log.ts): the first of a turn of the event loop as soon as the
 * request that asked for it yields, so that a lone consumer is answered in the turn that read its request; later
 * ones at the turn's end, so that the requests of that turn share one append.
 */
it('answers a lone acquisition within its turn; later acquisitions of that turn share one round at its end', async () => {
  const dir = await tempDir();
  const store = await openStore(dir, { jobs: 1 });
  const queues = await QueueManager.open(store, { clock: new ManualClock(), logger: silentLogger, snapshotEvery: 1_000 });
  try {
    await store.append('jobs', Array.from({ length: 10 }, (_, i) => ({ value: Buffer.from(`r${i}`) })));
    await queues.queue({ name: 'q', topics: ['jobs'], start: 'earliest', lockMs: 60_000, maxDeliveries: 5 });
    await queues.stats('q'); // the window read in, so an acquisition has nothing to wait for but its state write
    await new Promise((r) => setImmediate(r)); // a fresh turn
    const stateEnd = (): number => store.logEndOffset(STATE_TOPIC, 0);
    const before = stateEnd();

    let turnOver = false;
    setImmediate(() => (turnOver = true));
    const first = await queues.acquire('q', 'a', { max: 1, maxWaitMs: 0 });
    expect(first.map((d) => d.record.offset)).toEqual([0]);
    expect(turnOver).toBe(false); // answered, its delivery count written, before the turn was over
    expect(stateEnd()).toBe(before + 1);

    const [b, c] = await Promise.all([
      queues.acquire('q', 'b', { max: 1, maxWaitMs: 0 }),
      Promise.resolve().then(() => queues.acquire('q', 'c', { max: 1, maxWaitMs: 0 })),
    ]);
    expect([...b, ...c].map((d) => d.record.offset).sort()).toEqual([1, 2]);
    expect(turnOver).toBe(true); // these two waited for the end of the turn...
    expect(stateEnd()).toBe(before + 2); // ...and one state record carried both
  } finally {
    await queues.close();
    await store.close();
    await removeDir(dir);
  }
});
