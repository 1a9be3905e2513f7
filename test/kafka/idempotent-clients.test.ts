// Idempotent producers of real clients against the Kafka listener: kcat (librdkafka 2.0.2) with
// enable.idempotence=true, which asks InitProducerId because its range holds v0, and kafkajs 2.2.4 with
// idempotent: true. Each must get a producer id and have its batches stored with it, every record once.
import { iterateBatches } from '@klog/log-core';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, missingTool, removeTempDirs, run, startKafkaBroker, type KafkaBroker } from './kafka-fixture.js';

let broker: KafkaBroker;
beforeAll(async () => {
  broker = await startKafkaBroker();
});
afterAll(async () => {
  await broker?.close();
  removeTempDirs();
});

/** The (producer id, epoch, base sequence, record count) of every batch stored in partition 0. */
async function storedBatches(topic: string): Promise<{ producerId: number; epoch: number; baseSequence: number; count: number }[]> {
  const { data } = await broker.store.readBatches(topic, 0, { offset: 0, maxBytes: 64 << 20 });
  return [...iterateBatches(data)].map(({ header: h }) => ({ producerId: h.producerId, epoch: h.producerEpoch, baseSequence: h.baseSequence, count: h.lastOffsetDelta + 1 }));
}

describe('idempotent producers', () => {
  it('kcat -X enable.idempotence=true gets a producer id and its batches carry it with consecutive sequences', async () => {
    const missing = missingTool('kcat');
    if (missing) throw new Error(missing);
    const lines = Array.from({ length: 500 }, (_, i) => `v${i}`);
    const produced = await run('kcat', ['-b', bootstrap(broker), '-P', '-t', 'idem-kcat', '-X', 'enable.idempotence=true', '-X', 'linger.ms=5'],
      { stdin: `${lines.join('\n')}\n`, timeoutMs: 30_000 });
    expect(produced.code, produced.stderr).toBe(0);
    expect(broker.store.logEndOffset('idem-kcat', 0)).toBe(500);
    const batches = await storedBatches('idem-kcat');
    expect(batches[0].producerId).toBeGreaterThanOrEqual(0);
    expect(batches[0].baseSequence).toBe(0);
    let next = 0;
    for (const b of batches) {
      expect([b.producerId, b.epoch, b.baseSequence]).toEqual([batches[0].producerId, 0, next]);
      next += b.count;
    }
    const read = await broker.store.read('idem-kcat', 0, { offset: 0, maxBytes: 64 << 20 });
    expect(read.records.map((r) => r.value?.toString())).toEqual(lines);
  });

  it('kafkajs idempotent: true produces once per record, with a producer id of its own', async () => {
    const kafka = new Kafka({ clientId: 'kafkajs-idem', brokers: [bootstrap(broker)], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const other = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await other.connect();
    try {
      await broker.store.createTopic('idem-kafkajs', { partitions: 1 });
      for (let i = 0; i < 5; i++) {
        await producer.send({ topic: 'idem-kafkajs', acks: -1, messages: [{ value: `a${i}` }, { value: `b${i}` }] });
      }
      await other.send({ topic: 'idem-kafkajs', acks: -1, messages: [{ value: 'other' }] });
    } finally {
      await producer.disconnect();
      await other.disconnect();
    }
    const batches = await storedBatches('idem-kafkajs');
    expect(batches.map((b) => [b.baseSequence, b.count])).toEqual([[0, 2], [2, 2], [4, 2], [6, 2], [8, 2], [0, 1]]);
    const ids = new Set(batches.map((b) => b.producerId));
    expect(ids.size).toBe(2);
    for (const id of ids) expect(id).toBeGreaterThanOrEqual(0);
    expect(broker.store.logEndOffset('idem-kafkajs', 0)).toBe(11);
  });
});
