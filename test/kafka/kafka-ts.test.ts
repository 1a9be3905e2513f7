// kafka-ts 1.5.0 against the Kafka listener, at its defaults: it asks ApiVersions and then speaks, for every
// API, the highest version both sides know (its range reaches Kafka 4.x), and its producer is always idempotent
// (InitProducerId, then sequenced batches). Admin goes through its low-level API (kafka-ts has no admin client):
// CreateTopics, Metadata, DescribeConfigs, IncrementalAlterConfigs, DeleteTopics. Its producer sends only
// uncompressed batches; its consumer decodes every codec, which kcat writes here (gzip, snappy, lz4, zstd).
// A group of two kafka-ts consumers reads every record once and commits; a restarted member resumes there.
import * as zlib from 'node:zlib';
import { API, createKafkaClient, setLogger, type Client } from 'kafka-ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedBatches } from './clients/on-disk.js';
import { bootstrap, missingTool, removeTempDirs, run, startKafkaBroker, tempDir, waitUntil, type KafkaBroker } from './kafka-fixture.js';

afterAll(removeTempDirs);

// kafka-ts logs JSON to stdout by default; its errors are kept and shown when a test fails.
const clientErrors: string[] = [];
setLogger({
  debug: () => undefined,
  info: () => undefined,
  warn: (m, meta) => clientErrors.push(`warn: ${m} ${JSON.stringify(meta, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`),
  error: (m, meta) => clientErrors.push(`error: ${m} ${meta instanceof Error ? meta.stack : JSON.stringify(meta)}`),
});

interface Seen {
  partition: number;
  offset: bigint;
  key: string | null;
  value: string | null;
}

type Consumer = Awaited<ReturnType<Client['startConsumer']>>;

describe('kafka-ts 1.5.0', () => {
  let broker: KafkaBroker;
  let dataDir: string;
  let kafka: Client;
  beforeAll(async () => {
    dataDir = tempDir();
    broker = await startKafkaBroker({ dataDir });
    const [host, port] = bootstrap(broker).split(':');
    kafka = createKafkaClient({ clientId: 'klog-kafka-ts-test', bootstrapServers: [{ host, port: Number(port) }] });
  });
  afterAll(async () => broker?.close());

  async function withCluster<T>(fn: (cluster: ReturnType<Client['createCluster']>) => Promise<T>): Promise<T> {
    const cluster = kafka.createCluster();
    await cluster.connect();
    try {
      return await fn(cluster);
    } finally {
      await cluster.disconnect();
    }
  }

  const createTopic = (name: string, numPartitions: number, configs: { name: string; value: string }[] = []) =>
    withCluster(async (cluster) => {
      const created = await cluster.sendRequest(API.CREATE_TOPICS, {
        validateOnly: false, timeoutMs: 10_000,
        topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs }],
      });
      expect(created.topics.map((t) => [t.name, t.errorCode])).toEqual([[name, 0]]);
    });

  /** Reads a topic from the beginning without a group until `count` records arrived. */
  async function readAll(topic: string, count: number): Promise<Seen[]> {
    const seen: Seen[] = [];
    const consumer = await kafka.startConsumer({
      topics: [topic], fromBeginning: true,
      onBatch: (batch) => { for (const m of batch) seen.push({ partition: m.partition, offset: m.offset, key: m.key, value: m.value }); },
    });
    try {
      await waitUntil(() => seen.length >= count, `${count} records of ${topic} (have ${seen.length}; client said: ${clientErrors.join(' | ')})`);
    } finally {
      await consumer.close();
    }
    return seen;
  }

  it('admin: creates a topic, describes it and its configs, alters a config, deletes it', async () => {
    const topic = 'kts-admin';
    await createTopic(topic, 3, [{ name: 'retention.ms', value: '3600000' }]);
    expect(broker.store.partitionCount(topic)).toBe(3);

    await withCluster(async (cluster) => {
      const meta = await cluster.sendRequest(API.METADATA, { topics: [{ id: null, name: topic }], allowTopicAutoCreation: false, includeTopicAuthorizedOperations: false });
      const described = meta.topics.find((t) => t.name === topic);
      expect(described?.errorCode).toBe(0);
      expect(described?.partitions.map((p) => p.partitionIndex).sort()).toEqual([0, 1, 2]);

      const configsOf = async () => {
        const res = await cluster.sendRequest(API.DESCRIBE_CONFIGS, {
          resources: [{ resourceType: 2, resourceName: topic, configurationKeys: null }], includeSynonyms: false, includeDocumentation: false,
        });
        expect(res.results[0].errorCode).toBe(0);
        return new Map(res.results[0].configs.map((c) => [c.name, c.value]));
      };
      const before = await configsOf();
      expect(before.get('retention.ms')).toBe('3600000');

      const altered = await cluster.sendRequest(API.INCREMENTAL_ALTER_CONFIGS, {
        validateOnly: false,
        resources: [{ resourceType: 2, resourceName: topic, configs: [{ name: 'cleanup.policy', configOperation: 0, value: 'compact' }] }],
      });
      expect(altered.responses.map((r) => r.errorCode)).toEqual([0]);
      const after = await configsOf();
      expect(after.get('cleanup.policy')).toBe('compact');
      expect(after.get('retention.ms')).toBe('3600000'); // incremental: the other setting stays

      const deleted = await cluster.sendRequest(API.DELETE_TOPICS, { topics: [{ name: topic, topicId: null }], timeoutMs: 10_000 });
      expect(deleted.responses.map((r) => [r.name, r.errorCode])).toEqual([[topic, 0]]);
    });
    expect(broker.store.hasTopic(topic)).toBe(false);
  });

  it('idempotent producer (its default): records land once, in batches carrying a producer id, and read back', async () => {
    const topic = 'kts-idempotent';
    await createTopic(topic, 2);
    const producer = kafka.createProducer({});
    const sent = Array.from({ length: 400 }, (_, i) => ({ topic, key: `k${i % 7}`, value: `v${i}` }));
    try {
      for (let i = 0; i < sent.length; i += 50) await producer.send(sent.slice(i, i + 50));
    } finally {
      await producer.close();
    }
    const end = broker.store.logEndOffset(topic, 0) + broker.store.logEndOffset(topic, 1);
    expect(end, clientErrors.join('\n')).toBe(sent.length);
    for (const p of [0, 1]) {
      const ids = new Set(storedBatches(dataDir, topic, p).map((b) => b.producerId));
      expect([...ids].every((id) => id >= 0n), `producer ids on partition ${p}: ${[...ids].join(', ')}`).toBe(true);
    }
    const seen = await readAll(topic, sent.length);
    expect(seen.map((s) => s.value).sort()).toEqual(sent.map((m) => m.value).sort());
    expect(new Set(seen.map((s) => `${s.partition}/${s.offset}`)).size).toBe(sent.length);
  });

  // kafka-ts decodes zstd with node:zlib's zstdDecompress, which Node has from 22.15 on: on an older Node its
  // consumer cannot read a zstd batch at all (it retries the fetch without a word), whatever the broker does.
  const nodeHasZstd = 'zstdDecompress' in zlib;
  if (!nodeHasZstd) console.log(`kafka-ts: skipping the zstd read: Node ${process.version} has no zlib.zstdDecompress (Node >= 22.15 has), which kafka-ts needs`);
  async function readsCodec(codec: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'): Promise<void> {
    const missing = codec === 'none' ? null : missingTool('kcat');
    if (missing) throw new Error(missing);
    const topic = `kts-codec-${codec}`;
    await createTopic(topic, 1);
    const values = Array.from({ length: 200 }, (_, i) => `${codec} ${i} ${'xyz'.repeat(20)}`);
    if (codec === 'none') {
      const producer = kafka.createProducer({});
      await producer.send(values.map((value) => ({ topic, value }))).finally(() => producer.close());
    } else {
      const produced = await run('kcat', ['-b', bootstrap(broker), '-P', '-t', topic, '-z', codec, '-X', 'linger.ms=50'], { stdin: `${values.join('\n')}\n`, timeoutMs: 30_000 });
      expect(produced.code, produced.stderr).toBe(0);
    }
    expect(new Set(storedBatches(dataDir, topic, 0).map((b) => b.compression))).toEqual(new Set([codec]));
    const seen = await readAll(topic, values.length);
    expect(seen.map((s) => s.value)).toEqual(values);
  }
  it.each(['none', 'gzip', 'snappy', 'lz4'] as const)('reads a %s batch (the producer itself only sends none)', readsCodec);
  it.skipIf(!nodeHasZstd)('reads a zstd batch', () => readsCodec('zstd'));

  it('a group of two consumers reads every record once and commits; a restarted member resumes from the commit', async () => {
    const topic = 'kts-group';
    const groupId = 'kts-group-1';
    await createTopic(topic, 4);
    const byMember: Seen[][] = [[], []];
    const start = (i: number): Promise<Consumer> => kafka.startConsumer({
      groupId, topics: [topic], fromBeginning: true,
      onBatch: (batch) => { for (const m of batch) byMember[i].push({ partition: m.partition, offset: m.offset, key: m.key, value: m.value }); },
    });
    const members = [await start(0), await start(1)];
    const stableWithTwo = () => withCluster(async (cluster) => {
      const res = await cluster.sendRequest(API.DESCRIBE_GROUPS, { groups: [groupId], includeAuthorizedOperations: false });
      return res.groups[0].groupState === 'Stable' && res.groups[0].members.length === 2;
    });
    try {
      await waitUntil(stableWithTwo, `group ${groupId} stable with two members (client said: ${clientErrors.join(' | ')})`);
      const producer = kafka.createProducer({});
      const first = Array.from({ length: 200 }, (_, i) => ({ topic, key: `key-${i}`, value: `first-${i}` }));
      await producer.send(first).finally(() => producer.close());
      const total = () => byMember[0].length + byMember[1].length;
      await waitUntil(() => total() >= first.length, `the group to read ${first.length} records (has ${total()})`);
      const all = [...byMember[0], ...byMember[1]];
      expect(all).toHaveLength(first.length);
      expect(new Set(all.map((s) => `${s.partition}/${s.offset}`)).size).toBe(first.length);
      expect(all.map((s) => s.value).sort()).toEqual(first.map((m) => m.value).sort());
      expect(byMember[0].length, 'member 0 got partitions').toBeGreaterThan(0);
      expect(byMember[1].length, 'member 1 got partitions').toBeGreaterThan(0);
      const partitionsOf = (i: number) => new Set(byMember[i].map((s) => s.partition));
      expect([...partitionsOf(0)].some((p) => partitionsOf(1).has(p)), 'a partition read by both members').toBe(false);
    } finally {
      for (const m of members) await m.close();
    }

    const committed = await withCluster(async (cluster) => {
      const res = await cluster.sendRequest(API.OFFSET_FETCH, {
        requireStable: false,
        groups: [{ groupId, topics: [{ name: topic, topicId: '', partitionIndexes: [0, 1, 2, 3] }] }],
      });
      return res.groups[0].topics[0].partitions.map((p) => [p.partitionIndex, p.committedOffset] as const);
    });
    expect(committed.map(([p, o]) => [p, Number(o)])).toEqual([0, 1, 2, 3].map((p) => [p, broker.store.logEndOffset(topic, p)]));

    // One member comes back alone: it gets every partition and reads only what came after the commits.
    const producer = kafka.createProducer({});
    const second = Array.from({ length: 60 }, (_, i) => ({ topic, key: `key-${i}`, value: `second-${i}` }));
    await producer.send(second).finally(() => producer.close());
    byMember[0] = [];
    const restarted = await start(0);
    try {
      await waitUntil(() => byMember[0].length >= second.length, `the restarted member to read ${second.length} new records (has ${byMember[0].length})`);
      await new Promise((r) => setTimeout(r, 500)); // room for a wrong re-read to show
    } finally {
      await restarted.close();
    }
    expect(byMember[0].map((s) => s.value).sort()).toEqual(second.map((m) => m.value).sort());
  });
});
