// A topic that grows while it is in use: producers start using the new partitions (at once for a partition
// named explicitly, within metadataMaxAgeMs for keys), and a running group takes them on without a restart.
import type { Broker } from '@klog/broker';
import type { Client } from '@klog/client';
import { afterEach, describe, expect, it } from 'vitest';
import { clientFor, removeTempDirs, startTestBroker, waitUntil } from './fixture.js';
import { startMember, waitForBalance, type Member } from './group-fixture.js';

let broker: Broker;
let client: Client;
const members: Member[] = [];

async function setUp(): Promise<void> {
  broker = await startTestBroker();
  client = clientFor(broker);
}

afterEach(async () => {
  await Promise.all(members.splice(0).map((m) => m.consumer.close()));
  await client?.close();
  await broker?.close();
  removeTempDirs();
});

describe('adding partitions to a topic in use', () => {
  it('admin.createPartitions grows the topic; fewer partitions are refused', async () => {
    await setUp();
    const admin = client.admin();
    await admin.createTopic('orders', { partitions: 2 });
    expect(await admin.createPartitions('orders', 6)).toBe(6);
    const [meta] = await admin.metadata(['orders']);
    expect(meta.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3, 4, 5]);
    await expect(admin.createPartitions('orders', 3)).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    await expect(admin.createPartitions('missing', 3)).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC' });
  });

  it('a producer sends to a partition added after it learnt the topic, without being restarted', async () => {
    await setUp();
    const admin = client.admin();
    await admin.createTopic('orders', { partitions: 2 });
    const producer = client.producer();
    await producer.send({ topic: 'orders', messages: [{ value: 'before', partition: 1 }] }); // knows 2 partitions now
    await admin.createPartitions('orders', 4);
    const [sent] = await producer.send({ topic: 'orders', messages: [{ value: 'after', partition: 3 }] });
    expect(sent.partition).toBe(3);
    await expect(producer.send({ topic: 'orders', messages: [{ value: 'x', partition: 4 }] })).rejects.toMatchObject({ code: 'UNKNOWN_PARTITION' });
    await producer.close();
  });

  it('keyed records map by the new count once the producer\'s metadata is older than metadataMaxAgeMs', async () => {
    await setUp();
    const admin = client.admin();
    await admin.createTopic('orders', { partitions: 1 });
    const producer = client.producer({ metadataMaxAgeMs: 1 });
    const keyed = Array.from({ length: 40 }, (_, i) => ({ key: `key-${i}`, value: `v${i}` }));
    expect(new Set((await producer.send({ topic: 'orders', messages: keyed })).map((m) => m.partition))).toEqual(new Set([0]));
    await admin.createPartitions('orders', 4);
    await new Promise((r) => setTimeout(r, 10));
    expect(new Set((await producer.send({ topic: 'orders', messages: keyed })).map((m) => m.partition))).toEqual(new Set([0, 1, 2, 3]));
    await producer.close();
    expect(() => client.producer({ metadataMaxAgeMs: -1 })).toThrow(/metadataMaxAgeMs/);
  });

  it('a running group member is given the new partitions and receives what is produced to them', async () => {
    await setUp();
    const admin = client.admin();
    await admin.createTopic('orders', { partitions: 2 });
    const member = await startMember(client, 'g-grow', { topics: ['orders'] }, { fromBeginning: true });
    members.push(member);
    await waitForBalance([member], 2);

    await admin.createPartitions('orders', 4);
    await waitForBalance([member], 4);
    const producer = client.producer();
    await producer.send({ topic: 'orders', messages: [{ value: 'on-2', partition: 2 }, { value: 'on-3', partition: 3 }] });
    await producer.close();
    await waitUntil(() => member.values.length >= 2, 'the member received the records of the new partitions');
    expect(member.processed.sort()).toEqual(['orders:2:0', 'orders:3:0']);
  });
});
