// Graceful shutdown: close() answers a long-poll fetch still in flight, closes the client connections, and
// leaves the store clean, so the next open needs no recovery.
import { encodeFrame } from '@klog/protocol';
import { LogStore } from '@klog/log-core';
import { afterAll, describe, expect, it } from 'vitest';
import { clientFor, partitionOf, RawConnection, removeTempDirs, startTestBroker, tempDir } from './fixture.js';

afterAll(removeTempDirs);

describe('graceful shutdown', () => {
  it('answers an in-flight long-poll, closes connections, and leaves a store that opens without recovery', async () => {
    const dataDir = tempDir();
    const broker = await startTestBroker({ dataDir });
    const client = clientFor(broker);
    await client.admin().createTopic('sd', { partitions: 3 });
    await client.producer().send({ topic: 'sd', messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    const raw = await RawConnection.open(broker.port);
    const ends = (await client.admin().fetchOffsets('sd')).map((p) => ({ partition: p.partition, offset: p.offset }));
    // One write holding a quick request and the long-poll: the quick answer shows the broker has read both.
    raw.write(Buffer.concat([
      encodeFrame({ api: 'apiVersions', version: 0, correlationId: 1 }),
      encodeFrame({ api: 'fetch', version: 0, correlationId: 2, maxWaitMs: 60_000, topics: [{ topic: 'sd', partitions: ends }] }),
    ]));
    expect(await raw.next()).toMatchObject({ correlationId: 1 });
    const answer = raw.next();

    await broker.close();
    const res = await answer;
    expect(res).toMatchObject({ correlationId: 2 });
    expect(res!.errorCode).toBeUndefined();
    for (const { partition } of ends) expect((partitionOf(res!, 'sd', partition).records as Buffer).length).toBe(0);
    await raw.closed;
    await client.close();

    const store = await LogStore.open(dataDir);
    try {
      expect(store.stats.recoveredPartitions).toBe(0);
      expect(store.describeTopic('sd').partitions.reduce((n, p) => n + p.logEndOffset, 0)).toBe(30);
    } finally {
      await store.close();
    }
  });
});
