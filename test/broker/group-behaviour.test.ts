// Consumer-group behaviour a user relies on, end to end against a real broker: where a new group starts, an
// orderly rebalance under load (nothing lost, nothing repeated), pattern subscriptions following new topics,
// offset resets, lag, and a committed offset that retention deleted.
import { KlogError } from '@klog/log-core';
import type { Broker } from '@klog/broker';
import type { Client, ConsumedMessage } from '@klog/client';
import { afterAll, describe, expect, it } from 'vitest';
import { clientFor, removeTempDirs, startTestBroker, waitUntil } from './fixture.js';
import { countBy, GROUP_DEFAULTS, produceNumbered, startMember, waitForBalance, type Member } from './group-fixture.js';

afterAll(removeTempDirs);

/** Runs a test against a broker of its own, closing members, client and broker whatever happens. */
async function withBroker(test: (broker: Broker, client: Client, members: Member[]) => Promise<void>): Promise<void> {
  const broker = await startTestBroker();
  const client = clientFor(broker);
  const members: Member[] = [];
  try {
    await test(broker, client, members);
  } finally {
    await Promise.all(members.map((m) => m.consumer.close()));
    await client.close();
    await broker.close();
  }
}

async function stop(member: Member): Promise<void> {
  await member.consumer.close();
  await member.running;
}

/** Until the member's start positions ('earliest' / 'latest') are resolved to offsets for these partitions. */
async function waitForPositions(member: Member, topic: string, partitions: number): Promise<void> {
  await waitUntil(
    () => Array.from({ length: partitions }, (_, p) => member.consumer.position(topic, p)).every((o) => o !== undefined),
    `the member knows where to start on ${topic}`,
  );
}

async function produceTo(client: Client, topic: string, partition: number, values: string[]): Promise<void> {
  const producer = client.producer();
  await producer.send({ topic, messages: values.map((value) => ({ partition, value })) });
  await producer.close();
}

async function totalLag(client: Client, groupId: string): Promise<number> {
  return (await client.admin().describeGroup(groupId)).partitions.reduce((n, p) => n + (p.lag ?? Infinity), 0);
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('consumer groups: behaviour', () => {
  it('a group without committed offsets starts at the earliest record with fromBeginning, else at the latest', async () => {
    await withBroker(async (_broker, client, members) => {
      await client.admin().createTopic('starts', { partitions: 2 });
      await produceNumbered(client, 'starts', 0, 10, 10);
      const early = await startMember(client, 'g-early', { topics: ['starts'] }, { fromBeginning: true });
      const late = await startMember(client, 'g-late', { topics: ['starts'] }, { fromBeginning: false });
      members.push(early, late);
      await waitForBalance([early], 2);
      await waitForBalance([late], 2);
      await waitForPositions(late, 'starts', 2);
      expect(await client.admin().fetchCommittedOffsets('g-late')).toEqual([]);

      await produceNumbered(client, 'starts', 10, 5, 5);
      await waitUntil(() => early.values.length >= 15 && late.values.length >= 5, 'both groups received the new records');
      await Promise.all([stop(early), stop(late)]);

      expect(early.values.map(Number).sort((a, b) => a - b)).toEqual(range(0, 15));
      expect(late.values.map(Number).sort((a, b) => a - b)).toEqual(range(10, 15));
    });
  });

  it('an orderly rebalance under load (a member joins, then one closes) loses nothing and repeats nothing', async () => {
    const COUNT = 20_000;
    await withBroker(async (_broker, client, members) => {
      await client.admin().createTopic('stream', { partitions: 6 });
      const [first, second] = await Promise.all([0, 1].map(() => startMember(client, 'g-stream', { topics: ['stream'] }, { fromBeginning: true })));
      members.push(first, second);
      await waitForBalance([first, second], 6);

      // The producer holds back the last part of the stream until both rebalances are over, so they certainly
      // happen mid-stream, with records arriving before, during and after them.
      let rebalanced!: () => void;
      const rebalancesDone = new Promise<void>((resolve) => (rebalanced = resolve));
      const producing = (async () => {
        for (let i = 0; i < COUNT; i += 500) {
          if (i === 15_000) await rebalancesDone;
          await produceNumbered(client, 'stream', i, 500, 100);
        }
      })();
      producing.catch(() => rebalanced()); // reported when awaited below

      const processedSoFar = () => members.reduce((n, m) => n + m.processed.length, 0);
      await waitUntil(() => processedSoFar() >= 3_000, 'the first members are consuming');
      const third = await startMember(client, 'g-stream', { topics: ['stream'] }, { fromBeginning: true });
      members.push(third);
      await waitForBalance([first, second, third], 6);
      await stop(first);
      await waitForBalance([second, third], 6);
      rebalanced();
      await producing;

      await waitUntil(async () => new Set(members.flatMap((m) => m.processed)).size === COUNT && (await totalLag(client, 'g-stream')) === 0,
        'the group processed and committed everything');
      await Promise.all([stop(second), stop(third)]);

      for (const m of members) expect(m.processed.length).toBeGreaterThan(0);
      const processed = members.flatMap((m) => m.processed);
      expect([...countBy(processed)].filter(([, n]) => n !== 1)).toEqual([]);
      expect(processed).toHaveLength(COUNT);
      expect(new Set(members.flatMap((m) => m.values)).size).toBe(COUNT);
    });
  });

  it('a pattern subscription takes in a matching topic created later, and leaves non-matching ones alone', async () => {
    await withBroker(async (_broker, client, members) => {
      const admin = client.admin();
      await admin.createTopic('news.a');
      await admin.createTopic('newsletter');
      await produceTo(client, 'news.a', 0, ['a0', 'a1']);
      await produceTo(client, 'newsletter', 0, ['l0']);
      const member = await startMember(client, 'g-news', { pattern: 'news\\..*' }, { fromBeginning: true });
      members.push(member);
      await waitUntil(() => member.values.length >= 2, 'the records of news.a arrived');
      expect(member.consumer.assignmentOfGroup()).toEqual([{ topic: 'news.a', partition: 0 }]);

      await admin.createTopic('news.b');
      await waitUntil(() => member.consumer.assignmentOfGroup().some((p) => p.topic === 'news.b'), 'the group took in news.b');
      await produceTo(client, 'news.b', 0, ['b0', 'b1', 'b2']);
      await produceTo(client, 'newsletter', 0, ['l1']);
      await produceTo(client, 'news.a', 0, ['a2']);
      await waitUntil(() => member.values.length >= 6, 'the records of news.b arrived');
      await stop(member);

      expect([...member.values].sort()).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'b2']);
      expect(member.processed.filter((p) => p.startsWith('newsletter:'))).toEqual([]);
      expect(member.consumer.assignmentOfGroup().map((p) => p.topic).sort()).toEqual(['news.a', 'news.b']);
    });
  });

  it('resetOffsets moves an empty group to earliest or to an offset, and refuses while members are active', async () => {
    await withBroker(async (_broker, client, members) => {
      const admin = client.admin();
      await admin.createTopic('resettable', { partitions: 2 });
      for (const p of [0, 1]) await produceTo(client, 'resettable', p, range(0, 10).map((i) => `${p}-${i}`));
      const expectedOffsets = (from: number) => [0, 1].flatMap((p) => range(from, 10).map((o) => `resettable:${p}:${o}`)).sort();

      const reader = await startMember(client, 'g-reset', { topics: ['resettable'] }, { fromBeginning: true });
      members.push(reader);
      await waitUntil(async () => reader.processed.length >= 20 && (await totalLag(client, 'g-reset')) === 0, 'the group read and committed everything');
      const refused = admin.resetOffsets('g-reset', 'resettable', 'earliest');
      await expect(refused).rejects.toBeInstanceOf(KlogError);
      await expect(refused).rejects.toMatchObject({ code: 'NON_EMPTY_GROUP' });
      expect((await admin.fetchCommittedOffsets('g-reset')).map((o) => o.offset)).toEqual([10, 10]);
      await stop(reader);

      expect(await admin.resetOffsets('g-reset', 'resettable', 'earliest')).toMatchObject([{ partition: 0, offset: 0 }, { partition: 1, offset: 0 }]);
      // fromBeginning false: only the reset can make this member read the old records.
      const rereader = await startMember(client, 'g-reset', { topics: ['resettable'] }, { fromBeginning: false });
      members.push(rereader);
      await waitUntil(async () => rereader.processed.length >= 20 && (await totalLag(client, 'g-reset')) === 0, 'the group read everything again');
      await stop(rereader);
      expect([...rereader.processed].sort()).toEqual(expectedOffsets(0));

      expect(await admin.resetOffsets('g-reset', 'resettable', { offset: 4 })).toMatchObject([{ partition: 0, offset: 4 }, { partition: 1, offset: 4 }]);
      expect((await admin.fetchCommittedOffsets('g-reset')).map((o) => o.offset)).toEqual([4, 4]);
      const resumed = await startMember(client, 'g-reset', { topics: ['resettable'] }, { fromBeginning: true });
      members.push(resumed);
      await waitUntil(async () => resumed.processed.length >= 12 && (await totalLag(client, 'g-reset')) === 0, 'the group read from offset 4');
      await stop(resumed);
      expect([...resumed.processed].sort()).toEqual(expectedOffsets(4));
    });
  });

  // Leaving a for-await loop calls the generator's return() both on `break` and when the loop body throws, so the
  // consumer cannot tell a finished message from a failed one: the last message counts only when committed
  // through it explicitly (at-least-once by default).
  it('describeGroup reports lag; after breaking out of the iterator, commit(lastMessage) commits through that message', async () => {
    await withBroker(async (_broker, client) => {
      await client.admin().createTopic('lagging', { partitions: 2 });
      await produceNumbered(client, 'lagging', 0, 100, 100);
      const consumer = client.consumer({ groupId: 'g-lag', ...GROUP_DEFAULTS, autoCommit: false, fromBeginning: true });
      try {
        await consumer.subscribe({ topics: ['lagging'] });
        const seen: ConsumedMessage[] = [];
        for await (const m of consumer) {
          seen.push(m);
          if (seen.length === 60) break;
        }
        await consumer.commit();
        expect(await totalLag(client, 'g-lag')).toBe(41); // break: the 60th is not known to be done
        await consumer.commit(seen[59]);
        const described = await client.admin().describeGroup('g-lag');
        expect(described.partitions.reduce((n, p) => n + (p.committedOffset ?? 0), 0)).toBe(60);
        expect(described.partitions.reduce((n, p) => n + (p.logEndOffset ?? 0), 0)).toBe(100);
        expect(described.partitions.reduce((n, p) => n + (p.lag ?? Infinity), 0)).toBe(40);
      } finally {
        await consumer.close();
      }
    });
  });

  it('a committed offset that retention deleted resets per fromBeginning, with a warning', async () => {
    await withBroker(async (broker, client, members) => {
      const admin = client.admin();
      await admin.createTopic('short', { segmentBytes: 2048, retentionBytes: 4096 });
      await produceTo(client, 'short', 0, ['r0', 'r1']);

      // Process offset 0 and commit: the committed offset (next to read) is 1.
      const first = client.consumer({ groupId: 'g-short', ...GROUP_DEFAULTS, autoCommit: false, fromBeginning: true });
      await first.subscribe({ topics: ['short'] });
      for await (const m of first) if (m.offset === 1) break; // asking for offset 1 marks offset 0 processed
      await first.commit();
      await first.close();
      expect(await admin.fetchCommittedOffsets('g-short')).toMatchObject([{ partition: 0, offset: 1 }]);

      const padding = 'x'.repeat(200);
      for (let i = 2; i < 102; i += 5) await produceTo(client, 'short', 0, range(i, i + 5).map((n) => `r${n}-${padding}`));
      await broker.store.enforceRetention();
      const [{ offset: logStart }] = await admin.fetchOffsets('short', 'earliest');
      expect(logStart).toBeGreaterThan(1);

      const warnings: string[] = [];
      const next = await startMember(client, 'g-short', { topics: ['short'] }, { fromBeginning: true, onWarning: (w) => warnings.push(w) });
      members.push(next);
      await waitUntil(() => next.processed.length >= 102 - logStart, 'the member read what retention kept');
      await stop(next);
      expect(next.processed).toEqual(range(logStart, 102).map((o) => `short:0:${o}`));
      expect(warnings.some((w) => /out of range/.test(w))).toBe(true);
    });
  });
});
