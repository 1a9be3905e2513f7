// kafka-python 2.0.2 (Debian python3-kafka) against the Kafka listener: producing 10,000 records (plus a JSON
// value_serializer producer), consuming them all in a group with every ConsumerRecord field right, and records
// crossing between kafka-python and the native client in both directions.
import { createClient } from '@klog/client';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { bootstrap, jsonLines, removeTempDirs, runPython, useKafkaBroker, type KafkaBroker } from './kafka-fixture.js';

const PRODUCE = String.raw`
import json, sys
from kafka import KafkaProducer
bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
producer = KafkaProducer(bootstrap_servers=bootstrap)
for i in range(count):
    producer.send(topic, key=b'key-%d' % i, value=b'value-%d' % i, headers=[('n', str(i).encode())], timestamp_ms=1700000000000 + i)
producer.flush()
producer.close()
as_json = KafkaProducer(bootstrap_servers=bootstrap, value_serializer=lambda v: json.dumps(v).encode())
as_json.send(topic, {'n': count, 'kind': 'json'})
as_json.flush()
as_json.close()
`;

const CONSUME = String.raw`
import json, sys
from kafka import KafkaConsumer
bootstrap, topic, group, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset='earliest',
                         consumer_timeout_ms=15000)
seen = 0
for m in consumer:
    print(json.dumps({'topic': m.topic, 'partition': m.partition, 'offset': m.offset, 'timestamp': m.timestamp,
                      'timestamp_type': m.timestamp_type, 'key': None if m.key is None else m.key.decode(),
                      'value': m.value.decode(), 'headers': [[k, v.decode()] for k, v in m.headers]}))
    seen += 1
    if seen >= expected:
        break
consumer.commit()
consumer.close()
`;

interface PyRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestamp_type: number;
  key: string | null;
  value: string;
  headers: [string, string][];
}

afterAll(removeTempDirs);

describe('kafka-python 2.0.2', () => {
  const kafka = useKafkaBroker('kafka-python');
  let broker: KafkaBroker;
  beforeEach(() => { broker = kafka(); });

  it('produces 10,000 records and a JSON one, then a group consumer reads them all with their fields', async () => {
    const produced = await runPython(PRODUCE, [bootstrap(broker), 'notification', '10000'], 60_000);
    expect(produced.code, produced.stderr).toBe(0);
    expect(broker.store.logEndOffset('notification', 0)).toBe(10_001);

    const consumed = await runPython(CONSUME, [bootstrap(broker), 'notification', 'group_001', '10001'], 60_000);
    expect(consumed.code, consumed.stderr).toBe(0);
    const records = jsonLines<PyRecord>(consumed.stdout);
    expect(records).toHaveLength(10_001);
    records.slice(0, 10_000).forEach((r, i) => {
      expect(r).toEqual({
        topic: 'notification', partition: 0, offset: i, timestamp: 1700000000000 + i, timestamp_type: 0,
        key: `key-${i}`, value: `value-${i}`, headers: [['n', String(i)]],
      });
    });
    expect(records[10_000]).toMatchObject({ offset: 10_000, key: null, headers: [] });
    expect(JSON.parse(records[10_000].value)).toEqual({ n: 10_000, kind: 'json' });

    // The group's commit is the one native clients see.
    const client = createClient({ brokers: [`127.0.0.1:${broker.port}`] });
    try {
      expect(await client.admin().listGroups()).toContainEqual(expect.objectContaining({ groupId: 'group_001' }));
      const group = await client.admin().describeGroup('group_001');
      expect(group.partitions).toContainEqual(expect.objectContaining({ topic: 'notification', partition: 0, committedOffset: 10_001, lag: 0 }));
    } finally {
      await client.close();
    }
  });

  it('reads what the native client produced, and the native client reads what it produced', async () => {
    const client = createClient({ brokers: [`127.0.0.1:${broker.port}`] });
    try {
      const producer = client.producer();
      await producer.send({ topic: 'native-to-py', messages: Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `native ${i}`, headers: { h: `${i}` } })) });
      await producer.close();
      const consumed = await runPython(CONSUME, [bootstrap(broker), 'native-to-py', 'py-group', '50'], 60_000);
      expect(consumed.code, consumed.stderr).toBe(0);
      expect(jsonLines<PyRecord>(consumed.stdout).map((r) => [r.offset, r.key, r.value, r.headers])).toEqual(
        Array.from({ length: 50 }, (_, i) => [i, `k${i}`, `native ${i}`, [['h', `${i}`]]]));

      const produced = await runPython(PRODUCE, [bootstrap(broker), 'py-to-native', '20'], 60_000);
      expect(produced.code, produced.stderr).toBe(0);
      const consumer = client.consumer({ fromBeginning: true, maxWaitMs: 100, keyDeserializer: 'string', valueDeserializer: 'string' });
      consumer.assign([{ topic: 'py-to-native', partition: 0 }]);
      const got = [];
      while (got.length < 21) for (const batch of await consumer.poll()) got.push(...batch);
      await consumer.close();
      expect(got.slice(0, 20).map((m) => [m.offset, m.key, m.value, m.timestamp, m.headers.n?.toString()])).toEqual(
        Array.from({ length: 20 }, (_, i) => [i, `key-${i}`, `value-${i}`, 1700000000000 + i, `${i}`]));
      expect(JSON.parse(got[20].value as string)).toEqual({ n: 20, kind: 'json' });
    } finally {
      await client.close();
    }
  });
});
