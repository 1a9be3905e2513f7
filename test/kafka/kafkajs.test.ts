// kafkajs 2.2.4 against the Kafka listener: producing plain and gzip batches (read back natively too), a
// 3-member consumer group on 6 partitions where every record is consumed once, a rebalance when a member
// leaves and when one is killed (SIGKILL, in a child process), and committed offsets that survive a broker restart.
import { createClient } from '@klog/client';
import { CompressionTypes, Kafka, logLevel, type Consumer, type EachMessagePayload } from 'kafkajs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrap, removeTempDirs, startKafkaBroker, tempDir, waitUntil, type KafkaBroker } from './kafka-fixture.js';

afterAll(removeTempDirs);

function kafkaFor(broker: KafkaBroker): Kafka {
  return new Kafka({ clientId: 'kafkajs-test', brokers: [bootstrap(broker)], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
}

/** Short timers so that rebalances take about a second instead of Kafka's defaults. */
const GROUP_TIMINGS = { sessionTimeout: 6_000, rebalanceTimeout: 10_000, heartbeatInterval: 300, maxWaitTimeInMs: 200 };

interface Seen {
  member: number;
  partition: number;
  offset: string;
  value: string;
}

async function startMember(kafka: Kafka, groupId: string, topic: string, member: number, seen: Seen[]): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId, ...GROUP_TIMINGS });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }: EachMessagePayload) => {
      seen.push({ member, partition, offset: message.offset, value: message.value!.toString() });
    },
  });
  return consumer;
}

describe('kafkajs 2.2.4', () => {
  it('produces plain and gzip batches that kafkajs and the native client read back', async () => {
    const broker = await startKafkaBroker();
    const kafka = kafkaFor(broker);
    const producer = kafka.producer();
    const client = createClient({ brokers: [`127.0.0.1:${broker.port}`] });
    try {
      await producer.connect();
      await producer.send({ topic: 'mixed', messages: Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: `plain ${i}`, headers: { i: `${i}` } })) });
      await producer.send({ topic: 'mixed', compression: CompressionTypes.GZIP, messages: Array.from({ length: 100 }, (_, i) => ({ value: `gzip ${i}` })) });
      const expected = [...Array.from({ length: 100 }, (_, i) => `plain ${i}`), ...Array.from({ length: 100 }, (_, i) => `gzip ${i}`)];

      const native = client.consumer({ fromBeginning: true, maxWaitMs: 100, valueDeserializer: 'string' });
      native.assign([{ topic: 'mixed', partition: 0 }]);
      const nativeSeen = [];
      while (nativeSeen.length < 200) for (const batch of await native.poll()) nativeSeen.push(...batch);
      await native.close();
      expect(nativeSeen.map((m) => m.value)).toEqual(expected);
      expect(nativeSeen[7].headers.i?.toString()).toBe('7');

      const seen: Seen[] = [];
      const consumer = await startMember(kafka, 'readers', 'mixed', 0, seen);
      await waitUntil(() => seen.length >= 200, 'kafkajs to read 200 records');
      await consumer.disconnect();
      expect(seen.map((s) => s.value)).toEqual(expected);
      expect(seen.map((s) => Number(s.offset))).toEqual(Array.from({ length: 200 }, (_, i) => i));
    } finally {
      await producer.disconnect();
      await client.close();
      await broker.close();
    }
  });

  it('a 3-member group shares 6 partitions, each record read once; a leaving member hands its partitions over', async () => {
    const broker = await startKafkaBroker();
    const kafka = kafkaFor(broker);
    const admin = kafka.admin();
    const producer = kafka.producer();
    const members: Consumer[] = [];
    try {
      await admin.connect();
      expect(await admin.createTopics({ topics: [{ topic: 'shared', numPartitions: 6 }] })).toBe(true);
      await producer.connect();
      const seen: Seen[] = [];
      for (let m = 0; m < 3; m++) members.push(await startMember(kafka, 'trio', 'shared', m, seen));

      const send = async (from: number, count: number) => {
        for (let i = from; i < from + count; i++) await producer.send({ topic: 'shared', messages: [{ key: `key-${i}`, value: `${i}` }] });
      };
      // Produced once all three are in: every member gets two partitions and records.
      await waitUntil(async () => {
        const g = await admin.describeGroups(['trio']);
        return g.groups[0].state === 'Stable' && g.groups[0].members.length === 3;
      }, 'three stable members');
      await send(0, 300);
      await waitUntil(() => seen.length >= 300, 'the group to read 300 records');
      expect(new Set(seen.map((s) => s.member))).toEqual(new Set([0, 1, 2]));
      const owners = new Map<number, Set<number>>();
      for (const s of seen) owners.set(s.partition, (owners.get(s.partition) ?? new Set()).add(s.member));
      expect([...owners.values()].every((o) => o.size === 1)).toBe(true);

      await members.shift()!.disconnect(); // LeaveGroup: the other two rebalance and take over its partitions
      await waitUntil(async () => {
        const g = await admin.describeGroups(['trio']);
        return g.groups[0].state === 'Stable' && g.groups[0].members.length === 2;
      }, 'two stable members after one left');
      await send(300, 300);
      await waitUntil(() => seen.length >= 600, 'the group to read 600 records');
      expect(seen.slice(300).every((s) => s.member !== 0)).toBe(true);
      expect(seen.map((s) => Number(s.value)).sort((a, b) => a - b)).toEqual(Array.from({ length: 600 }, (_, i) => i));
    } finally {
      for (const m of members) await m.disconnect();
      await producer.disconnect();
      await admin.disconnect();
      await broker.close();
    }
  });

  it('a member killed with SIGKILL (no LeaveGroup) loses its partitions after the session timeout; nothing is lost', async () => {
    const broker = await startKafkaBroker();
    const kafka = kafkaFor(broker);
    const admin = kafka.admin();
    const producer = kafka.producer();
    const members: Consumer[] = [];
    const child = spawn(process.execPath, [join(import.meta.dirname, 'kafkajs-member.child.mjs'), bootstrap(broker), 'killed', 'victim'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const childSeen: string[] = [];
    let childOut = '';
    child.stdout!.on('data', (d) => {
      childOut += d;
      const lines = childOut.split('\n');
      childOut = lines.pop()!;
      childSeen.push(...lines);
    });
    try {
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'victim', numPartitions: 6 }] });
      await producer.connect();
      await waitUntil(() => childSeen.includes('JOINED'), 'the child member to join with partitions');
      const seen: Seen[] = [];
      members.push(await startMember(kafka, 'killed', 'victim', 1, seen));
      await waitUntil(async () => {
        const g = await admin.describeGroups(['killed']);
        return g.groups[0].state === 'Stable' && g.groups[0].members.length === 2 && childSeen.filter((l) => l === 'JOINED').length >= 2;
      }, 'two stable members');
      const send = async (from: number, count: number) => {
        await producer.send({ topic: 'victim', messages: Array.from({ length: count }, (_, i) => ({ key: `key-${from + i}`, value: `${from + i}` })) });
      };
      await send(0, 600);
      await waitUntil(() => childSeen.some((l) => l !== 'JOINED'), 'the child to read some records');
      child.kill('SIGKILL'); // our own child, by its handle
      await send(600, 600);
      const later = Array.from({ length: 600 }, (_, i) => String(600 + i));
      await waitUntil(() => later.every((v) => seen.some((x) => x.value === v)),
        "the survivor to take over the dead member's partitions and read every later record", 30_000);
      const all = new Set([...seen.map((s) => s.value), ...childSeen.filter((l) => l !== 'JOINED')]);
      expect(Array.from({ length: 1200 }, (_, i) => String(i)).every((v) => all.has(v))).toBe(true); // at least once
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      for (const m of members) await m.disconnect();
      await producer.disconnect();
      await admin.disconnect();
      await broker.close();
    }
  });

  it('committed offsets survive a broker restart', async () => {
    const dataDir = tempDir();
    let broker = await startKafkaBroker({ dataDir });
    let kafka = kafkaFor(broker);
    let producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'durable', messages: Array.from({ length: 50 }, (_, i) => ({ value: `before ${i}` })) });
    await producer.disconnect();
    const first: Seen[] = [];
    const consumer = await startMember(kafka, 'keeper', 'durable', 0, first);
    await waitUntil(() => first.length >= 50, 'the first run to read 50 records');
    await consumer.disconnect(); // commits what it processed
    await broker.close();

    broker = await startKafkaBroker({ dataDir });
    kafka = kafkaFor(broker);
    producer = kafka.producer();
    try {
      await producer.connect();
      await producer.send({ topic: 'durable', messages: Array.from({ length: 10 }, (_, i) => ({ value: `after ${i}` })) });
      const second: Seen[] = [];
      const again = await startMember(kafka, 'keeper', 'durable', 1, second);
      await waitUntil(() => second.length >= 10, 'the second run to read the 10 new records');
      await again.disconnect();
      // fromBeginning applies only without a commit: the second run starts where the first stopped.
      expect(second.map((s) => s.value)).toEqual(Array.from({ length: 10 }, (_, i) => `after ${i}`));
    } finally {
      await producer.disconnect();
      await broker.close();
    }
  });
});
