import { expect, it } from 'vitest';
import { ManualClock, QueueManager, STATE_TOPIC } from '../src/index.js';
import { openStore, removeDir, silentLogger, tempDir } from './helpers.js';

/**
 * A state topic that an earlier klog wrote (partition records of version 1, a tuple per record) restores as it
 * did, and keeps restoring once this klog has written its own records (version 2, runs) after them.
 */
it('restores a queue from version 1 state records, then from version 1 and 2 records together', async () => {
  const dir = await tempDir();
  const clock = new ManualClock();
  const open = async () => {
    const store = await openStore(dir, { jobs: 1 });
    return { store, queues: await QueueManager.open(store, { clock, logger: silentLogger, snapshotEvery: 1_000 }) };
  };
  const config = { name: 'q', topics: ['jobs'], start: 'earliest' as const, lockMs: 1_000, maxDeliveries: 5 };
  try {
    let { store, queues } = await open();
    await store.append('jobs', Array.from({ length: 10 }, (_, i) => ({ value: Buffer.from(`r${i}`) })));
    await queues.queue(config);
    await queues.close();
    // As an earlier klog left it: 0 and 1 accepted, 2 rejected, 3 released twice with a reason.
    const v1 = {
      v: 1, start: 0, archived: 1,
      records: [[0, 2, 1, 0, null, null, null], [1, 2, 1, 0, null, null, null], [2, 4, 1, 0, 'bad', 'rejected', null], [3, 0, 2, 0, 'retry', null, null]],
    };
    await store.append(STATE_TOPIC, [{ key: Buffer.from(JSON.stringify(['update', 'q', 'jobs', 0])), value: Buffer.from(JSON.stringify(v1)) }], { partition: 0 });
    await store.close();

    ({ store, queues } = await open());
    await queues.queue(config);
    expect((await queues.stats('q'))[0]).toMatchObject({ archived: 1, ready: 7, inFlight: 0 });
    const got = await queues.acquire('q', 'c', { max: 10, maxWaitMs: 0 });
    expect(got.map((d) => [d.record.offset, d.deliveryCount])).toEqual([[3, 3], [4, 1], [5, 1], [6, 1], [7, 1], [8, 1], [9, 1]]);
    const acks = got.map((d) => ({ topic: 'jobs', partition: 0, offset: d.record.offset, deliveryCount: d.deliveryCount, type: 'accept' as const }));
    expect((await queues.acknowledge('q', 'c', acks)).filter((e) => e !== undefined)).toEqual([]);
    const written = (await store.read(STATE_TOPIC, 0, { offset: store.logStartOffset(STATE_TOPIC, 0) })).records;
    expect(written.at(-1)!.value!.toString()).toContain('"v":2,');
    await store.close(); // a crash: the manager is not closed, what was flushed is all there is

    ({ store, queues } = await open());
    await queues.queue(config);
    expect((await queues.stats('q'))[0]).toMatchObject({ archived: 1, ready: 0, inFlight: 0, lag: 0 });
    expect(await queues.acquire('q', 'c', { max: 10, maxWaitMs: 0 })).toEqual([]);
    await queues.close();
    await store.close();
  } finally {
    await removeDir(dir);
  }
});
