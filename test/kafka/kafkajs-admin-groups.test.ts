// kafkajs 2.2.4's admin client on consumer groups through the Kafka listener: setOffsets (kafkajs joins the group,
// commits and leaves it), fetchOffsets, listGroups, describeGroups and deleteGroups (refused while the group has a
// member: NON_EMPTY_GROUP; an unknown group: GROUP_ID_NOT_FOUND), checked against the coordinator's view.
import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, removeTempDirs, startKafkaBroker, waitUntil, type KafkaBroker } from './kafka-fixture.js';

let broker: KafkaBroker;
let kafka: Kafka;
let admin: Admin;
beforeAll(async () => {
  broker = await startKafkaBroker();
  kafka = new Kafka({ clientId: 'kafkajs-groups', brokers: [bootstrap(broker)], logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100 } });
  admin = kafka.admin();
  await admin.connect();
  await broker.store.createTopic('groups-topic', { partitions: 2 });
});
afterAll(async () => {
  await admin?.disconnect();
  await broker?.close();
  removeTempDirs();
});

async function offsetsOf(groupId: string) {
  const [t] = await admin.fetchOffsets({ groupId, topics: ['groups-topic'] });
  return t.partitions.map((p) => [p.partition, p.offset]).sort();
}

describe('kafkajs admin on consumer groups', () => {
  it('sets and fetches offsets of an empty group, lists and describes it, then deletes it with its offsets', async () => {
    await admin.setOffsets({ groupId: 'admin-set', topic: 'groups-topic', partitions: [{ partition: 0, offset: '3' }, { partition: 1, offset: '5' }] });
    expect(await offsetsOf('admin-set')).toEqual([[0, '3'], [1, '5']]);
    const { groups } = await admin.listGroups();
    expect(groups).toContainEqual({ groupId: 'admin-set', protocolType: 'consumer' });
    const { groups: [described] } = await admin.describeGroups(['admin-set']);
    expect(described).toMatchObject({ groupId: 'admin-set', state: 'Empty', members: [], errorCode: 0 });

    expect(await admin.deleteGroups(['admin-set'])).toEqual([expect.objectContaining({ groupId: 'admin-set', errorCode: 0 })]);
    expect(await offsetsOf('admin-set')).toEqual([[0, '-1'], [1, '-1']]);
    expect(broker.store.listTopics()).toContain('groups-topic');
    await expect(admin.deleteGroups(['admin-set'])).rejects.toMatchObject({
      name: 'KafkaJSDeleteGroupsError', groups: [expect.objectContaining({ groupId: 'admin-set', errorCode: 69 })],
    });
  });

  it('refuses to delete a group while a consumer is in it (NON_EMPTY_GROUP), and deletes it once the consumer left', async () => {
    const consumer: Consumer = kafka.consumer({ groupId: 'admin-busy', sessionTimeout: 10_000 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'groups-topic', fromBeginning: true });
      let joined = false;
      consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
      await consumer.run({ eachMessage: async () => undefined });
      await waitUntil(() => joined, 'the consumer joining its group');
      const { groups: [described] } = await admin.describeGroups(['admin-busy']);
      expect(described).toMatchObject({ state: 'Stable', protocolType: 'consumer' });
      expect(described.members).toHaveLength(1);
      await expect(admin.deleteGroups(['admin-busy'])).rejects.toMatchObject({
        name: 'KafkaJSDeleteGroupsError', groups: [expect.objectContaining({ groupId: 'admin-busy', errorCode: 68 })],
      });
    } finally {
      await consumer.disconnect();
    }
    expect(await admin.deleteGroups(['admin-busy'])).toEqual([expect.objectContaining({ groupId: 'admin-busy', errorCode: 0 })]);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain('admin-busy');
  });
});
