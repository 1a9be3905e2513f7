// The consumer sends its next fetch while the caller handles the records of the last one, and fetches small
// amounts from the partitions in turn: what it hands out must be what a consumer fetching one round at a time
// would hand out, in order, from wherever it was sought to.
import { afterAll, describe, expect, it } from 'vitest';
import { clientFor, removeTempDirs, startTestBroker } from '../broker/fixture.js';

afterAll(removeTempDirs);

const value = (i: number) => Buffer.from(`${i}`.padStart(8, '0') + 'x'.repeat(200));

async function produce(client: ReturnType<typeof clientFor>, topic: string, partition: number, from: number, count: number): Promise<void> {
  const producer = client.producer();
  await producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ value: value(from + i), partition })) });
  await producer.close();
}

describe('consumer fetch-ahead', () => {
  it('hands out every record once, in order, and a seek between polls starts from the sought offset', async () => {
    const broker = await startTestBroker();
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('ahead', { partitions: 1 });
      await produce(client, 'ahead', 0, 0, 20_000); // ~4 MiB: many fetches at the default sizes
      const consumer = client.consumer({ valueDeserializer: 'buffer', maxWaitMs: 50 });
      consumer.assign([{ topic: 'ahead', partition: 0, offset: 0 }]);
      const seen: number[] = [];
      while (seen.length < 5_000) for (const batch of await consumer.poll()) for (const m of batch) seen.push(m.offset);
      // A fetch for the records after these is now in flight: a seek must not get its records.
      consumer.seek({ topic: 'ahead', partition: 0, offset: 100 });
      const first = (await consumer.poll()).flat();
      expect(first[0].offset).toBe(100);
      expect((first[0].value as Buffer).equals(value(100))).toBe(true);
      const after: number[] = first.map((m) => m.offset);
      while (after[after.length - 1] !== 19_999) for (const batch of await consumer.poll()) for (const m of batch) after.push(m.offset);
      expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i));
      expect(after).toEqual(Array.from({ length: 19_900 }, (_, i) => 100 + i));
      await consumer.close();
    } finally {
      await client.close();
      await broker.close();
    }
  });

  it('serves every partition from the first rounds, though one fetch holds only a few partitions', async () => {
    const broker = await startTestBroker();
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('turns', { partitions: 6 });
      for (let p = 0; p < 6; p++) await produce(client, 'turns', p, 0, 8_000); // ~1.6 MiB each
      const consumer = client.consumer({ valueDeserializer: 'buffer', maxWaitMs: 50 });
      consumer.assign(Array.from({ length: 6 }, (_, partition) => ({ topic: 'turns', partition, offset: 0 })));
      const served = new Set<number>();
      for (let round = 0; round < 6; round++) for (const batch of await consumer.poll()) for (const m of batch) served.add(m.partition);
      expect([...served].sort()).toEqual([0, 1, 2, 3, 4, 5]);
      await consumer.close();
    } finally {
      await client.close();
      await broker.close();
    }
  });

  it('reads a record larger than the fetch limits', async () => {
    const broker = await startTestBroker();
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('big', { partitions: 1 });
      const big = Buffer.alloc(900 * 1024, 7); // under the topic's 1 MiB batch limit, over the fetch limits below
      const producer = client.producer();
      await producer.send({ topic: 'big', messages: [{ value: big }, { value: Buffer.from('after') }] });
      await producer.close();
      const consumer = client.consumer({ valueDeserializer: 'buffer', maxWaitMs: 50, maxBytes: 64 * 1024, maxBytesPerPartition: 16 * 1024 });
      consumer.assign([{ topic: 'big', partition: 0, offset: 0 }]);
      const values: Buffer[] = [];
      while (values.length < 2) for (const batch of await consumer.poll()) for (const m of batch) values.push(m.value as Buffer);
      expect(values[0].equals(big)).toBe(true);
      expect(values[1].toString()).toBe('after');
      await consumer.close();
    } finally {
      await client.close();
      await broker.close();
    }
  });
});
