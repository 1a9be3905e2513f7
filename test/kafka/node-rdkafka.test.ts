// node-rdkafka 3.6.1 (bundling librdkafka 2.12.0, built from source at install) against the Kafka listener, at
// librdkafka's defaults: a modern librdkafka that negotiates the highest versions both sides serve. Its
// AdminClient offers createTopic, createPartitions and deleteTopic only (no config calls), so describing goes
// through Metadata and "altering" through createPartitions. A producer per codec (none, gzip, snappy, lz4, zstd)
// whose batches must land on disk in that codec and read back; a group of two KafkaConsumer instances that
// read every record once and commit, then a member restarted alone resumes from the commit.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedBatches } from './clients/on-disk.js';
import { bootstrap, removeTempDirs, startKafkaBroker, tempDir, waitUntil, type KafkaBroker } from './kafka-fixture.js';

type RdKafka = typeof import('node-rdkafka');
type KafkaConsumer = InstanceType<RdKafka['KafkaConsumer']>;

// node-rdkafka is a native addon that compiles librdkafka at install, so it is kept out of the workspace (`npm start`
// never builds it): scripts/test-deps.sh builds it into clients/node-rdkafka. When that could not run (no g++, make
// or python3 on the machine), the module does not load: then this file is skipped, saying why, instead of failing
// every test on an import error.
let rd: RdKafka | undefined;
let loadError = '';
try {
  rd = createRequire(fileURLToPath(new URL('./clients/node-rdkafka/package.json', import.meta.url)))('node-rdkafka') as RdKafka;
} catch (e) {
  loadError = (e as Error).message.split('\n')[0];
  console.log(`node-rdkafka: skipping: the module does not load (${loadError}); its native build needs g++, make, python3 and library headers: run "sh scripts/test-deps.sh" as root, which installs them and builds it`);
}

afterAll(removeTempDirs);

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

function cb<T>(fn: (done: (err: unknown, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err instanceof Error ? err : new Error(JSON.stringify(err))) : resolve(value as T))));
}

interface Seen { partition: number; offset: number; value: string }

describe.skipIf(rd === undefined)(`node-rdkafka 3.6.1 (librdkafka ${rd?.librdkafkaVersion ?? '?'})`, () => {
  let broker: KafkaBroker;
  let dataDir: string;
  const consumers: KafkaConsumer[] = [];
  beforeAll(async () => {
    dataDir = tempDir();
    broker = await startKafkaBroker({ dataDir });
  });
  afterAll(async () => {
    for (const c of consumers) if (c.isConnected()) await cb((done) => c.disconnect(done)).catch(() => undefined);
    await broker?.close();
  });

  const brokerList = () => ({ 'metadata.broker.list': bootstrap(broker) });

  async function withAdmin<T>(fn: (admin: ReturnType<RdKafka['AdminClient']['create']>) => Promise<T>): Promise<T> {
    const admin = rd!.AdminClient.create({ ...brokerList() });
    try {
      return await fn(admin);
    } finally {
      admin.disconnect();
    }
  }

  async function metadataOf(topic: string) {
    const producer = new rd!.Producer({ ...brokerList() });
    await cb((done) => producer.connect({}, done));
    try {
      const md = await cb<import('node-rdkafka').Metadata>((done) => producer.getMetadata({ topic, timeout: 10_000 }, done));
      return md.topics.find((t) => t.name === topic);
    } finally {
      await cb((done) => producer.disconnect(done));
    }
  }

  async function produce(topic: string, values: string[], conf: Record<string, unknown> = {}): Promise<void> {
    const producer = new rd!.Producer({ ...brokerList(), dr_cb: true, ...conf });
    const failures: string[] = [];
    let delivered = 0;
    producer.on('delivery-report', (err) => { if (err) failures.push(err.message); else delivered++; });
    producer.setPollInterval(50);
    await cb((done) => producer.connect({}, done));
    try {
      values.forEach((v, i) => producer.produce(topic, null, Buffer.from(v), `key-${i}`));
      await cb((done) => producer.flush(30_000, done));
      await waitUntil(() => delivered + failures.length >= values.length, `delivery reports for ${values.length} records`);
    } finally {
      await cb((done) => producer.disconnect(done));
    }
    expect(failures).toEqual([]);
  }

  async function startConsumer(topic: string, group: string, seen: Seen[]): Promise<KafkaConsumer> {
    const consumer = new rd!.KafkaConsumer({ ...brokerList(), 'group.id': group }, { 'auto.offset.reset': 'earliest' });
    consumers.push(consumer);
    consumer.on('data', (m) => seen.push({ partition: m.partition, offset: m.offset, value: m.value?.toString() ?? '' }));
    await cb((done) => consumer.connect({}, done));
    consumer.subscribe([topic]);
    consumer.consume();
    return consumer;
  }

  // At its defaults (enable.auto.commit) librdkafka commits the consumed positions when the consumer closes, which
  // disconnect() does off the JavaScript thread. (commitSync would block this thread, and with it the broker
  // that runs in this same process.)
  async function stopConsumer(consumer: KafkaConsumer): Promise<void> {
    await cb((done) => consumer.disconnect(done));
  }

  it('admin: creates a topic, describes it (Metadata), grows it (createPartitions), deletes it', async () => {
    const topic = 'rd-admin';
    await withAdmin(async (admin) => {
      await cb((done) => admin.createTopic({ topic, num_partitions: 2, replication_factor: 1, config: { 'retention.ms': '3600000' } }, 10_000, done));
      expect(broker.store.describeTopic(topic).config.retentionMs).toBe(3_600_000);
      expect((await metadataOf(topic))?.partitions.map((p) => p.id).sort()).toEqual([0, 1]);
      await cb((done) => admin.createPartitions(topic, 3, 10_000, done));
      expect(broker.store.partitionCount(topic)).toBe(3);
      expect((await metadataOf(topic))?.partitions.map((p) => p.id).sort()).toEqual([0, 1, 2]);
      await cb((done) => admin.deleteTopic(topic, 10_000, done));
    });
    expect(broker.store.hasTopic(topic)).toBe(false);
  });

  it('was built with every codec', () => {
    // librdkafka leaves zstd out when libzstd-dev is missing at build time (gzip needs zlib1g-dev; snappy and lz4 are bundled).
    expect(rd!.features, 'rebuild with libzstd-dev and zlib1g-dev installed: sh scripts/test-deps.sh && sh scripts/pnpm rebuild node-rdkafka').toEqual(expect.arrayContaining(['gzip', 'snappy', 'lz4', 'zstd']));
  });

  it.each(CODECS)('produces with compression.codec=%s: stored in that codec, read back', async (codec) => {
    const topic = `rd-codec-${codec}`;
    const values = Array.from({ length: 300 }, (_, i) => `${codec} ${i} ${'abcdefgh'.repeat(8)}`);
    await produce(topic, values, codec === 'none' ? {} : { 'compression.codec': codec });
    expect(broker.store.logEndOffset(topic, 0)).toBe(values.length);
    expect([...new Set(storedBatches(dataDir, topic, 0).map((b) => b.compression))]).toEqual([codec]);
    const seen: Seen[] = [];
    const consumer = await startConsumer(topic, `rd-read-${codec}`, seen);
    await waitUntil(() => seen.length >= values.length, `${values.length} records of ${topic} (have ${seen.length})`);
    await stopConsumer(consumer);
    expect(seen.map((s) => s.value)).toEqual(values);
    expect(seen.map((s) => s.offset)).toEqual(values.map((_, i) => i));
  });

  it('a group of two consumers reads every record once and commits; a restarted member resumes from the commit', async () => {
    const topic = 'rd-group';
    const group = 'rd-group-1';
    await withAdmin((admin) => cb((done) => admin.createTopic({ topic, num_partitions: 4, replication_factor: 1 }, 10_000, done)));
    const seen: Seen[][] = [[], []];
    const members = [await startConsumer(topic, group, seen[0]), await startConsumer(topic, group, seen[1])];
    const assigned = () => members.map((m) => m.assignments().map((a) => a.partition));
    await waitUntil(() => {
      const [a, b] = assigned();
      return a.length > 0 && b.length > 0 && new Set([...a, ...b]).size === 4 && a.length + b.length === 4;
    }, `both members assigned, together all 4 partitions (now ${JSON.stringify(assigned())})`);

    const first = Array.from({ length: 200 }, (_, i) => `first-${i}`);
    await produce(topic, first);
    await waitUntil(() => seen[0].length + seen[1].length >= first.length, `the group to read ${first.length} records`);
    for (const m of members) await stopConsumer(m);
    const all = [...seen[0], ...seen[1]];
    expect(all).toHaveLength(first.length);
    expect(new Set(all.map((s) => `${s.partition}/${s.offset}`)).size).toBe(first.length);
    expect(all.map((s) => s.value).sort()).toEqual([...first].sort());
    expect(seen[0].length).toBeGreaterThan(0);
    expect(seen[1].length).toBeGreaterThan(0);

    const second = Array.from({ length: 60 }, (_, i) => `second-${i}`);
    await produce(topic, second);
    const again: Seen[] = [];
    const restarted = await startConsumer(topic, group, again);
    await waitUntil(() => again.length >= second.length, `the restarted member to read ${second.length} new records (has ${again.length})`);
    await new Promise((r) => setTimeout(r, 500)); // room for a wrong re-read to show
    await stopConsumer(restarted);
    expect(again.map((s) => s.value).sort()).toEqual([...second].sort());
  });
});
