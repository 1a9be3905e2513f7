// Group consumers and a topic deleted under them: the member survives and rebalances, and the group's committed
// offsets of the topic go with it, so a re-created topic is read from its own start.
import type { ConsumedMessage } from '@klog/client';
import { afterAll, describe, expect, it } from 'vitest';
import { clientFor, removeTempDirs, startTestBroker, waitUntil } from '../broker/fixture.js';
import { produceNumbered, startMember } from '../broker/group-fixture.js';

afterAll(removeTempDirs);

describe('topic deletion under a group', () => {
  it('a member whose topic is deleted keeps running, rebalances, and goes on reading its other topic', async () => {
    const broker = await startTestBroker();
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('doomed', { partitions: 2 });
      await client.admin().createTopic('kept', { partitions: 1 });
      const warnings: string[] = [];
      const member = await startMember(client, 'survivors', { topics: ['doomed', 'kept'] }, { fromBeginning: true, onWarning: (w) => warnings.push(w) });
      let failure: unknown = null;
      member.running.catch((err: unknown) => (failure = err));
      await produceNumbered(client, 'doomed', 0, 50);
      await produceNumbered(client, 'kept', 1000, 10);
      await waitUntil(() => member.processed.length === 60, 'the member processed both topics');

      await client.admin().deleteTopic('doomed');
      await waitUntil(() => member.consumer.assignmentOfGroup().every((p) => p.topic === 'kept'), 'the group rebalanced without the deleted topic');
      await produceNumbered(client, 'kept', 2000, 10);
      await waitUntil(() => member.values.includes('2009') || failure !== null, 'the member read the new records of the other topic');
      expect(failure).toBeNull();
      expect(member.consumer.isRunning).toBe(true);
      expect(member.consumer.assignmentOfGroup()).toEqual([{ topic: 'kept', partition: 0 }]);
      await member.consumer.close();
      const committed = await client.admin().fetchCommittedOffsets('survivors');
      expect(committed).toEqual([{ topic: 'kept', partition: 0, offset: 20, metadata: '' }]);
    } finally {
      await client.close();
      await broker.close();
    }
  });

  it("deleting a topic deletes the groups' committed offsets, so a re-created topic is read from its start", async () => {
    const broker = await startTestBroker();
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('reborn', { partitions: 1 });
      await produceNumbered(client, 'reborn', 0, 5);
      const first = await startMember(client, 'readers', { topics: ['reborn'] }, { fromBeginning: true });
      await waitUntil(() => first.processed.length === 5, 'the first member processed the topic');
      await first.consumer.close();
      expect(await client.admin().fetchCommittedOffsets('readers')).toEqual([{ topic: 'reborn', partition: 0, offset: 5, metadata: '' }]);

      await client.admin().deleteTopic('reborn');
      expect(await client.admin().fetchCommittedOffsets('readers')).toEqual([]);
      await client.admin().createTopic('reborn', { partitions: 1 });
      await produceNumbered(client, 'reborn', 100, 2);

      const second = await startMember(client, 'readers', { topics: ['reborn'] }, { fromBeginning: true });
      await waitUntil(() => second.processed.length === 2, 'the second member read the re-created topic');
      expect(second.values).toEqual(['100', '101']);
      await second.consumer.close();
      expect(await client.admin().fetchCommittedOffsets('readers')).toEqual([{ topic: 'reborn', partition: 0, offset: 2, metadata: '' }]);
    } finally {
      await client.close();
      await broker.close();
    }
  });

  it("an out-of-range position is reset with a warning that names the partition's real range", async () => {
    const broker = await startTestBroker();
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('short', { partitions: 1 });
      await produceNumbered(client, 'short', 0, 2);
      const warnings: string[] = [];
      const consumer = client.consumer({ fromBeginning: true, maxWaitMs: 100, onWarning: (w) => warnings.push(w) });
      consumer.assign([{ topic: 'short', partition: 0, offset: 5 }]);
      const got: ConsumedMessage[] = [];
      await waitUntil(async () => {
        for (const batch of await consumer.poll()) got.push(...batch);
        return got.length === 2;
      }, 'the consumer read the topic from its start');
      await consumer.close();
      expect(warnings).toEqual(['short-0: offset 5 is out of range (0 to 2); resetting to earliest (offset 0)']);
      expect(got.map((m) => m.offset)).toEqual([0, 1]);
    } finally {
      await client.close();
      await broker.close();
    }
  });
});
