// Record headers are an ordered list with duplicate keys kept (Kafka's model), through the native client and
// through the Kafka listener both ways with kafkajs (which gives duplicate keys as arrays).
import { createClient, type Client, type ConsumedMessage } from '@klog/client';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrap, removeTempDirs, startKafkaBroker } from './kafka-fixture.js';

afterAll(removeTempDirs);

async function readNative(client: Client, topic: string, count: number): Promise<ConsumedMessage[]> {
  const consumer = client.consumer({ fromBeginning: true, maxWaitMs: 100 });
  consumer.assign([{ topic, partition: 0 }]);
  const out: ConsumedMessage[] = [];
  while (out.length < count) for (const batch of await consumer.poll()) out.push(...batch);
  await consumer.close();
  return out;
}

const asText = (list: { key: string; value: Buffer | null }[]) => list.map((h) => `${h.key}=${h.value?.toString() ?? 'null'}`);

describe('header order and duplicate keys', () => {
  it('the native client keeps duplicate header keys in order in headerList; the headers map keeps the last value', async () => {
    const broker = await startKafkaBroker();
    const client = createClient({ brokers: [`127.0.0.1:${broker.port}`] });
    try {
      await client.admin().createTopic('dup-native', { partitions: 1 });
      const producer = client.producer();
      await producer.send({
        topic: 'dup-native',
        messages: [
          { value: 'list', headers: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }, { key: 'b', value: '3' }, { key: 'n', value: null }] },
          { value: 'object', headers: { x: 'y' } },
          { value: 'none' },
        ],
      });
      await expect(producer.send({ topic: 'dup-native', messages: [{ value: 'bad', headers: [{ value: 'no key' } as never] }] }))
        .rejects.toMatchObject({ code: 'INVALID_RECORD' });
      await producer.close();
      const [list, object, none] = await readNative(client, 'dup-native', 3);
      expect(asText(list.headerList)).toEqual(['a=1', 'a=2', 'b=3', 'n=null']);
      expect(list.headerList[3].value).toBeNull();
      expect(Object.fromEntries(Object.entries(list.headers).map(([k, v]) => [k, v?.toString() ?? null]))).toEqual({ a: '2', b: '3', n: null });
      expect(asText(object.headerList)).toEqual(['x=y']);
      expect(none.headerList).toEqual([]);
    } finally {
      await client.close();
      await broker.close();
    }
  });

  it('kafkajs duplicate headers (arrays) arrive in order at the native client, and native duplicates arrive at kafkajs as arrays', async () => {
    const broker = await startKafkaBroker();
    const kafka = new Kafka({ clientId: 'headers-test', brokers: [bootstrap(broker)], logLevel: logLevel.NOTHING });
    const client = createClient({ brokers: [`127.0.0.1:${broker.port}`] });
    const kProducer = kafka.producer();
    const kConsumer = kafka.consumer({ groupId: 'header-readers', maxWaitTimeInMs: 100 });
    try {
      await client.admin().createTopic('dup-from-kafkajs', { partitions: 1 });
      await client.admin().createTopic('dup-to-kafkajs', { partitions: 1 });
      await kProducer.connect();
      await kProducer.send({ topic: 'dup-from-kafkajs', messages: [{ value: 'v', headers: { a: ['1', '2'], b: '3' } }] });
      const [fromKafkajs] = await readNative(client, 'dup-from-kafkajs', 1);
      expect(asText(fromKafkajs.headerList)).toEqual(['a=1', 'a=2', 'b=3']);

      const producer = client.producer();
      await producer.send({ topic: 'dup-to-kafkajs', messages: [{ value: 'v', headers: [{ key: 'a', value: '1' }, { key: 'b', value: '3' }, { key: 'a', value: '2' }] }] });
      await producer.close();
      await kConsumer.connect();
      await kConsumer.subscribe({ topic: 'dup-to-kafkajs', fromBeginning: true });
      const received = new Promise<Record<string, unknown>>((resolve) => {
        void kConsumer.run({ eachMessage: async ({ message }) => resolve(message.headers ?? {}) });
      });
      const headers = await received;
      const text = (v: unknown): unknown => (Array.isArray(v) ? v.map(text) : (v as Buffer).toString());
      expect(Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, text(v)]))).toEqual({ a: ['1', '2'], b: '3' });
    } finally {
      await kConsumer.disconnect();
      await kProducer.disconnect();
      await client.close();
      await broker.close();
    }
  });
});
