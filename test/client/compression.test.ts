// The native producer's compression option: each codec's batches reach the segment file in that codec, as sent,
// and read back the same through the embedded store and the native consumer. A codec name klog does not know
// is refused when the producer is made, before anything is sent.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isKlogError } from '@klog/client';
import { iterateBatches } from '@klog/log-core';
import { afterAll, describe, expect, it } from 'vitest';
import { clientFor, consumeAll, removeTempDirs, startTestBroker, tempDir } from '../broker/fixture.js';

afterAll(removeTempDirs);

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

describe('producer({ compression })', () => {
  it.each(CODECS)('%s: stored in that codec, read back by the store and the consumer', async (compression) => {
    const dataDir = tempDir();
    const broker = await startTestBroker({ dataDir });
    const client = clientFor(broker);
    try {
      const topic = `codec-${compression}`;
      await client.admin().createTopic(topic, { partitions: 2 });
      const producer = client.producer({ compression, lingerMs: 20 });
      const messages = Array.from({ length: 400 }, (_, i) => ({
        key: `key-${i % 7}`,
        value: `${compression} message ${i} ${'lorem ipsum '.repeat(i % 9)}`,
        headers: { n: String(i) },
      }));
      const acks = await producer.send({ topic, messages });
      await producer.close();
      expect(acks).toHaveLength(messages.length);

      for (const partition of [0, 1]) {
        const dir = join(dataDir, `${topic}-${partition}`);
        const onDisk = Buffer.concat(readdirSync(dir).filter((n) => n.endsWith('.log')).sort().map((n) => readFileSync(join(dir, n))));
        const codecs = new Set([...iterateBatches(onDisk)].map(({ header }) => header.compression));
        expect([...codecs]).toEqual([compression]);
      }

      const sent = new Map(messages.map((m) => [m.headers.n, m]));
      const embedded = [0, 1].flatMap((p) => broker.store.logEndOffset(topic, p) > 0 ? [p] : []);
      let readByStore = 0;
      for (const partition of embedded) {
        const { records } = await broker.store.read(topic, partition, { offset: 0, maxBytes: 1 << 22 });
        for (const r of records) {
          const m = sent.get(r.headers[0].value!.toString())!;
          expect([r.key?.toString(), r.value?.toString()]).toEqual([m.key, m.value]);
        }
        readByStore += records.length;
      }
      expect(readByStore).toBe(messages.length);

      const consumed = await consumeAll(client, topic, 2, messages.length);
      const byNumber = new Map(consumed.map((c) => [Buffer.from(c.headers.n as Buffer).toString(), c]));
      expect(byNumber.size).toBe(messages.length);
      for (const m of messages) {
        const c = byNumber.get(m.headers.n)!;
        expect([Buffer.from(c.key as Buffer).toString(), Buffer.from(c.value as Buffer).toString()]).toEqual([m.key, m.value]);
      }
    } finally {
      await client.close();
      await broker.close();
    }
  });

  it('refuses an unknown codec when the producer is made, naming the ones there are', async () => {
    const broker = await startTestBroker();
    const client = clientFor(broker);
    try {
      let caught: unknown;
      try {
        client.producer({ compression: 'brotli' as never });
      } catch (err) {
        caught = err;
      }
      expect(isKlogError(caught, 'INVALID_CONFIG'), String(caught)).toBe(true);
      expect((caught as Error).message).toMatch(/none, gzip, snappy, lz4, zstd/);
    } finally {
      await client.close();
      await broker.close();
    }
  });
});
