// An idempotent producer whose connection is cut after the broker stored a batch but before the client heard:
// real clients talk to the broker through test/kafka/clients/cut-proxy.ts, which destroys the connection in
// place of forwarding the first Produce answer. The client reconnects and sends the same batch again with the
// same producer id, epoch and sequence; the broker must answer with the offsets it stored it at, and store it
// once. Clients: confluent-kafka for Python (librdkafka 2.0.2) with enable.idempotence=True, and kafka-ts 1.5.0
// (idempotent by default). The control is the same cut with confluent-kafka not idempotent: its retry is a new
// write the broker cannot tell from the first, and the batch is stored twice.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKafkaClient, setLogger } from 'kafka-ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCutProxy, type CutProxy, type SentBatch } from './clients/cut-proxy.js';
import { storedBatches, type StoredBatch } from './clients/on-disk.js';
import { jsonLines, PYTHON, removeTempDirs, run, startKafkaBroker, tempDir, type KafkaBroker } from './kafka-fixture.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'clients', 'confluent_client.py');

// kafka-ts logs JSON to stdout by default; its warnings and errors are kept and shown when a test fails.
const clientLog: string[] = [];
setLogger({
  debug: () => undefined,
  info: () => undefined,
  warn: (m, meta) => clientLog.push(`warn: ${m} ${showMeta(meta)}`),
  error: (m, meta) => clientLog.push(`error: ${m} ${showMeta(meta)}`),
});
function showMeta(meta: unknown): string {
  return meta instanceof Error ? String(meta.stack) : JSON.stringify(meta, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
}

let broker: KafkaBroker;
let dataDir: string;
let proxy: CutProxy | undefined;
beforeAll(async () => {
  dataDir = tempDir();
  broker = await startKafkaBroker({ dataDir });
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});
afterAll(async () => {
  await broker?.close();
  removeTempDirs();
});

async function cutProxy(): Promise<CutProxy> {
  proxy = await startCutProxy({ host: '127.0.0.1', port: broker.kafkaPort });
  return proxy;
}

/** The values of partition 0 of `topic`, in offset order, as the broker serves them. */
async function readBack(topic: string): Promise<(string | undefined)[]> {
  const read = await broker.store.read(topic, 0, { offset: 0, maxBytes: 64 << 20 });
  return read.records.map((r) => r.value?.toString());
}

/** One producer id and epoch across the batches, and sequences that go on from batch to batch: none repeated. */
function expectOneSequence(batches: StoredBatch[]): void {
  expect(batches.length).toBeGreaterThan(0);
  const [first] = batches;
  expect(first.producerId).toBeGreaterThanOrEqual(0n);
  let next = 0;
  for (const b of batches) {
    expect({ producerId: b.producerId, epoch: b.producerEpoch, baseSequence: b.baseSequence })
      .toEqual({ producerId: first.producerId, epoch: first.producerEpoch, baseSequence: next });
    next += b.count;
  }
}

/**
 * The proxy really cut a connection after forwarding a Produce (once), and the client sent each withheld batch
 * again, on a later connection, with the same producer id, epoch and sequence; every batch sent carries one
 * producer id and epoch.
 */
function expectCutAndResent(p: CutProxy): void {
  expect(p.unreadable).toEqual([]);
  expect(p.cuts).toBe(1);
  const withheld = p.sent.filter((b) => b.withheld);
  expect(withheld.length).toBeGreaterThan(0);
  const key = (b: SentBatch) => [b.topic, b.partition, b.producerId, b.producerEpoch, b.baseSequence, b.count].join('/');
  for (const w of withheld) {
    const again = p.sent.filter((b) => !b.withheld && b.connection > w.connection && key(b) === key(w));
    expect(again.length, `batch ${key(w)} sent again`).toBeGreaterThan(0);
  }
  expect(new Set(p.sent.map((b) => `${b.producerId}/${b.producerEpoch}`)).size).toBe(1);
  expect(p.sent[0].producerId).toBeGreaterThanOrEqual(0n);
}

const valuesOf = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

interface Delivery {
  value?: string;
  partition?: number;
  offset?: number;
  error?: string | null;
  left?: number;
}

describe('confluent-kafka (Python, librdkafka 2.0.2) through a proxy that cuts the first Produce answer', () => {
  beforeAll(() => {
    const probe = spawnSync(PYTHON, ['-c', 'import confluent_kafka']);
    if (probe.status !== 0) {
      throw new Error(`confluent-kafka for Python is not available (${probe.error?.message ?? probe.stderr.toString().trim()}); `
        + 'install it with "sh scripts/test-deps.sh" (as root) or "apt-get install python3-confluent-kafka"');
    }
  });

  async function deliver(topic: string, values: string[], config: Record<string, unknown>): Promise<Delivery[]> {
    const p = await cutProxy();
    const args = { bootstrap: `${p.host}:${p.port}`, topic, values, flush_every: 25, config };
    const result = await run(PYTHON, [SCRIPT, 'deliver', JSON.stringify(args)], { timeoutMs: 90_000 });
    expect(result.code, result.stderr).toBe(0);
    return jsonLines<Delivery>(result.stdout);
  }

  it('enable.idempotence=True: the retried batch is answered with its first offsets and stored once', async () => {
    const topic = 'retry-ck-idem';
    await broker.store.createTopic(topic, { partitions: 1 });
    const values = valuesOf('ck', 100);
    const reports = await deliver(topic, values, { 'enable.idempotence': true });

    expectCutAndResent(proxy!);

    const delivered = reports.filter((r) => r.value !== undefined);
    expect(reports.at(-1)).toEqual({ left: 0 });
    expect(delivered.map((r) => r.error)).toEqual(values.map(() => null));
    expect(delivered.map((r) => [r.value, r.partition, r.offset])).toEqual(values.map((v, i) => [v, 0, i]));

    expect(await readBack(topic)).toEqual(values);
    expectOneSequence(storedBatches(dataDir, topic, 0));
  });

  // One Produce in flight at a time (max.in.flight=1), so that the request whose answer is lost is the only one
  // the broker has stored and the client sends again: the duplicate is then exactly that request's records.
  it('control, enable.idempotence=False with retries: the same cut stores the batch twice, which no broker can tell', async () => {
    const topic = 'retry-ck-plain';
    await broker.store.createTopic(topic, { partitions: 1 });
    const values = valuesOf('plain', 100);
    const reports = await deliver(topic, values, { 'enable.idempotence': false, retries: 5, 'max.in.flight.requests.per.connection': 1 });

    expect(proxy!.unreadable).toEqual([]);
    expect(proxy!.cuts).toBe(1);
    const withheld = proxy!.sent.filter((b) => b.withheld);
    expect(withheld.map((b) => b.producerId)).toEqual([-1n]);
    // librdkafka decides how many of the first 25 records go in its first request: 1 to 25.
    const n = withheld[0].count;
    expect(n).toBeGreaterThan(0);

    // Every delivery is reported a success, and every offset is n past where a single write would have put it.
    const delivered = reports.filter((r) => r.value !== undefined);
    expect(reports.at(-1)).toEqual({ left: 0 });
    expect(delivered.map((r) => r.error)).toEqual(values.map(() => null));
    expect(delivered.map((r) => [r.value, r.offset])).toEqual(values.map((v, i) => [v, i + n]));

    expect(await readBack(topic)).toEqual([...values.slice(0, n), ...values]);
    const stored = storedBatches(dataDir, topic, 0);
    expect(stored.every((b) => b.producerId === -1n)).toBe(true);
    expect(stored.reduce((sum, b) => sum + b.count, 0)).toBe(values.length + n);
  });
});

describe('kafka-ts 1.5.0 (idempotent by default) through a proxy that cuts the first Produce answer', () => {
  it('the retried batch is stored once: every send resolves and each value is read back once, in order', async () => {
    const topic = 'retry-kts';
    await broker.store.createTopic(topic, { partitions: 1 });
    const p = await cutProxy();
    const kafka = createKafkaClient({ clientId: 'klog-retry-test', bootstrapServers: [{ host: p.host, port: p.port }] });
    const producer = kafka.createProducer({});
    const values = valuesOf('kts', 100);
    try {
      for (let i = 0; i < values.length; i += 25) {
        await producer.send(values.slice(i, i + 25).map((value) => ({ topic, partition: 0, value })));
      }
    } finally {
      await producer.close();
    }

    expectCutAndResent(p);
    expect(await readBack(topic), clientLog.join('\n')).toEqual(values);
    expectOneSequence(storedBatches(dataDir, topic, 0));
  });
});
