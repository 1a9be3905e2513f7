// Consumer groups end to end: load balancing inside a group (each record to exactly one member), broadcast
// across groups (each group gets every record), committed offsets and lag, and offsets surviving a restart.
import { afterAll, describe, expect, it } from 'vitest';
import { clientFor, removeTempDirs, startTestBroker, tempDir, waitUntil } from './fixture.js';
import { countBy, produceNumbered, startMember, waitForBalance } from './group-fixture.js';

afterAll(removeTempDirs);

const COUNT = 30_000;

describe('consumer groups: balance, broadcast, durable offsets', () => {
  it('3 members of g1 share 30,000 records exactly once, g2 gets all, offsets survive a restart', async () => {
    const dataDir = tempDir();
    let broker = await startTestBroker({ dataDir });
    const { port } = broker;
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('orders', { partitions: 6 });
      const g1 = await Promise.all([0, 1, 2].map(() => startMember(client, 'g1', { topics: ['orders'] }, { fromBeginning: true })));
      const g2 = await startMember(client, 'g2', { topics: ['orders'] }, { fromBeginning: true });
      await waitForBalance(g1, 6);
      await waitForBalance([g2], 6);

      await produceNumbered(client, 'orders', 0, COUNT);
      const admin = client.admin();
      const lagOf = async (g: string) => (await admin.describeGroup(g)).partitions.reduce((n, p) => n + (p.lag ?? Infinity), 0);
      await waitUntil(async () => (await lagOf('g1')) === 0 && (await lagOf('g2')) === 0, 'both groups committed everything');
      await Promise.all([...g1, g2].map(async (m) => {
        await m.consumer.close();
        await m.running;
      }));

      const processed = g1.flatMap((m) => m.processed);
      expect(processed).toHaveLength(COUNT);
      expect([...countBy(processed)].filter(([, n]) => n !== 1)).toEqual([]);
      expect(new Set(g1.flatMap((m) => m.values)).size).toBe(COUNT);
      for (const m of g1) expect(m.processed.length).toBeGreaterThan(0); // the load was shared
      expect(new Set(g2.values).size).toBe(COUNT);
      expect(g2.processed).toHaveLength(COUNT);

      const ends = await admin.fetchOffsets('orders', 'latest');
      expect(ends.reduce((n, p) => n + p.offset, 0)).toBe(COUNT);
      const described = await admin.describeGroup('g1');
      expect(described.partitions.map((p) => ({ partition: p.partition, committed: p.committedOffset, end: p.logEndOffset, lag: p.lag })))
        .toEqual(ends.map((e) => ({ partition: e.partition, committed: e.offset, end: e.offset, lag: 0 })));
      const committedBefore = await admin.fetchCommittedOffsets('g1');

      await broker.close();
      broker = await startTestBroker({ dataDir, port });
      expect(await admin.fetchCommittedOffsets('g1')).toEqual(committedBefore);
      expect((await admin.describeGroup('g2')).partitions.map((p) => p.committedOffset)).toEqual(ends.map((e) => e.offset));
      // And lag counts what arrived since: 60 more records, none read yet.
      await produceNumbered(client, 'orders', COUNT, 60, 60);
      expect(await lagOf('g1')).toBe(60);
    } finally {
      await client.close();
      await broker.close();
    }
  });
});
