// kafkajs 2.2.4's admin client making, changing and deleting topics through the Kafka listener: createTopics,
// deleteTopics, describeConfigs, alterConfigs, createPartitions, deleteTopicRecords and describeCluster, each
// checked against what the store then holds.
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, removeTempDirs, startKafkaBroker, type KafkaBroker } from './kafka-fixture.js';

let broker: KafkaBroker;
let kafka: Kafka;
let admin: Admin;
beforeAll(async () => {
  broker = await startKafkaBroker();
  kafka = new Kafka({ clientId: 'kafkajs-admin', brokers: [bootstrap(broker)], logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100 } });
  admin = kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await admin?.disconnect();
  await broker?.close();
  removeTempDirs();
});

let n = 0;
async function freshTopic(config: Parameters<KafkaBroker['store']['createTopic']>[1] = {}): Promise<string> {
  const topic = `admin-${++n}`;
  await broker.store.createTopic(topic, config);
  return topic;
}

async function describeTopic(name: string, configNames?: string[]) {
  const res = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name, configNames }] });
  return res.resources[0];
}

describe('kafkajs admin on topics that change', () => {
  it('describeConfigs gives the topic\'s settings under Kafka names, marking which are its own', async () => {
    const name = await freshTopic({ partitions: 2, retentionMs: 3_600_000 });
    const r = await describeTopic(name);
    expect(r.errorCode).toBe(0);
    const byName = new Map(r.configEntries.map((c) => [c.configName, c]));
    // A store built with compaction reports its settings (min.compaction.lag.ms, …) besides these.
    expect([...byName.keys()]).toEqual(expect.arrayContaining(['cleanup.policy', 'max.message.bytes', 'retention.bytes', 'retention.ms', 'segment.bytes', 'segment.ms']));
    expect(byName.get('retention.ms')).toMatchObject({ configValue: '3600000', isDefault: false, configSource: 1, readOnly: false, isSensitive: false });
    expect(byName.get('segment.bytes')).toMatchObject({ configValue: String(128 * 1024 * 1024), isDefault: true, configSource: 5 });
    expect(byName.get('cleanup.policy')).toMatchObject({ configValue: 'delete' });

    const some = await describeTopic(name, ['retention.ms', 'no.such.config']);
    expect(some.configEntries.map((c) => c.configName)).toEqual(['retention.ms']);
    await expect(describeTopic('missing-topic')).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });

  it('alterConfigs makes the given settings the topic\'s whole set, as in Kafka', async () => {
    const name = await freshTopic({ segmentBytes: 1 << 20 });
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name, configEntries: [{ name: 'retention.ms', value: '60000' }, { name: 'max.message.bytes', value: '4096' }] }] });
    const config = broker.store.describeTopic(name).config;
    expect(config).toMatchObject({ retentionMs: 60_000, maxBatchBytes: 4096, segmentBytes: 128 * 1024 * 1024 });

    await admin.alterConfigs({ validateOnly: true, resources: [{ type: ConfigResourceTypes.TOPIC, name, configEntries: [{ name: 'retention.ms', value: '1' }] }] });
    expect(broker.store.describeTopic(name).config.retentionMs).toBe(60_000);
    await expect(admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name, configEntries: [{ name: 'retention.ms', value: 'soon' }] }] }))
      .rejects.toMatchObject({ type: 'INVALID_CONFIG' });
    await expect(admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }] }))
      .rejects.toMatchObject({ type: 'INVALID_CONFIG' });
    expect((await describeTopic(name, ['retention.ms'])).configEntries[0]).toMatchObject({ configValue: '60000', isDefault: false });
  });

  it('createPartitions grows a topic that kafkajs then produces to and reads every partition of', async () => {
    const name = await freshTopic({ partitions: 2 });
    await admin.createPartitions({ topicPartitions: [{ topic: name, count: 5 }] });
    expect(broker.store.partitionCount(name)).toBe(5);
    const meta = await admin.fetchTopicMetadata({ topics: [name] });
    expect(meta.topics[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3, 4]);
    await expect(admin.createPartitions({ topicPartitions: [{ topic: name, count: 3 }] })).rejects.toMatchObject({ type: 'INVALID_PARTITIONS' });

    const producer = kafka.producer();
    await producer.connect();
    const sent = await producer.send({ topic: name, messages: [{ value: 'on 4', partition: 4 }] });
    await producer.disconnect();
    expect(sent[0]).toMatchObject({ partition: 4, errorCode: 0 });
    expect(broker.store.logEndOffset(name, 4)).toBe(1);
  });

  it('deleteTopicRecords moves the partition\'s start offset; -1 trims to the end', async () => {
    const name = await freshTopic({ partitions: 2 });
    for (let i = 0; i < 10; i++) await broker.store.append(name, [{ value: Buffer.from(`r${i}`) }], { partition: 0 });
    await broker.store.append(name, [{ value: Buffer.from('x') }], { partition: 1 });
    await admin.fetchTopicMetadata({ topics: [name] }); // kafkajs sends to the leaders it knows of
    await admin.deleteTopicRecords({ topic: name, partitions: [{ partition: 0, offset: '7' }] });
    expect(broker.store.logStartOffset(name, 0)).toBe(7);
    const offsets = await admin.fetchTopicOffsets(name);
    expect(offsets.find((o) => o.partition === 0)).toMatchObject({ low: '7', high: '10' });

    await admin.deleteTopicRecords({ topic: name, partitions: [{ partition: 1, offset: '-1' }] });
    expect(broker.store.logStartOffset(name, 1)).toBe(1);
  });

  it('createTopics makes topics with their partitions and settings, checks only when asked, and answers an existing one', async () => {
    expect(await admin.createTopics({
      topics: [
        { topic: 'js-made', numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '90000' }, { name: 'cleanup.policy', value: 'compact' }] },
        { topic: 'js-defaulted' },
      ],
    })).toBe(true);
    expect(broker.store.describeTopic('js-made').config).toMatchObject({ partitions: 3, retentionMs: 90_000, cleanupPolicy: 'compact' });
    expect(broker.store.partitionCount('js-defaulted')).toBe(1);
    const meta = await admin.fetchTopicMetadata({ topics: ['js-made'] });
    expect(meta.topics[0].partitions).toHaveLength(3);

    // kafkajs would wait for the leaders of topics a validate_only request did not make: it is told not to.
    await admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic: 'js-checked', numPartitions: 2 }] });
    expect(broker.store.hasTopic('js-checked')).toBe(false);
    expect(await admin.createTopics({ topics: [{ topic: 'js-made', numPartitions: 1 }] })).toBe(false); // TOPIC_ALREADY_EXISTS
    await expect(admin.createTopics({ topics: [{ topic: 'js-replicated', replicationFactor: 3 }] }))
      .rejects.toMatchObject({ errors: [expect.objectContaining({ type: 'INVALID_REPLICATION_FACTOR' })] });
    await expect(admin.createTopics({ topics: [{ topic: 'js-bad-config', configEntries: [{ name: 'unclean.leader.election.enable', value: 'true' }] }] }))
      .rejects.toMatchObject({ errors: [expect.objectContaining({ type: 'INVALID_CONFIG' })] });
    expect(broker.store.hasTopic('js-replicated') || broker.store.hasTopic('js-bad-config')).toBe(false);
  });

  it('deleteTopics removes topics and the offsets groups committed on them; an unknown topic is refused', async () => {
    const name = await freshTopic({ partitions: 2 });
    await admin.setOffsets({ groupId: 'js-deleter', topic: name, partitions: [{ partition: 0, offset: '0' }] });
    const [before] = await admin.fetchOffsets({ groupId: 'js-deleter', topics: [name] });
    expect(before.partitions.find((p) => p.partition === 0)?.offset).toBe('0');
    await admin.deleteTopics({ topics: [name] });
    expect(broker.store.hasTopic(name)).toBe(false);
    // Made again under the same name, the topic has no committed offset left from before.
    await broker.store.createTopic(name, { partitions: 2 });
    const [again] = await admin.fetchOffsets({ groupId: 'js-deleter', topics: [name] });
    expect(again.partitions.map((p) => p.offset)).toEqual(['-1', '-1']);
    // UNKNOWN_TOPIC_OR_PARTITION, which kafkajs retries before giving up.
    await expect(admin.deleteTopics({ topics: ['never-there'] })).rejects.toMatchObject({ cause: { type: 'UNKNOWN_TOPIC_OR_PARTITION' } });
  });

  it('describeCluster names this broker, which is also the controller', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster).toEqual({ clusterId: 'klog', controller: 0, brokers: [{ nodeId: 0, host: '127.0.0.1', port: broker.kafkaPort }] });
  });
});
