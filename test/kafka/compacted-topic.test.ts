// Kafka clients reading a compacted topic through the Kafka listener: kcat 1.7.1 (-C -e) and kafka-python
// 2.0.2 see the latest value of each key at its original offset, the gaps compaction left, and a tombstone
// as a record with a null value; the superseded records are gone.
import { createClient } from '@klog/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, jsonLines, missingTool, removeTempDirs, run, runPython, startKafkaBroker, type KafkaBroker } from './kafka-fixture.js';

afterAll(removeTempDirs);

const TOPIC = 'prices';
const KEYS = ['a', 'b', 'c', 'd'];
const ROUNDS = 10;

/**
 * Written one record per send (one batch each), so that they spread over several 1 KiB segments: ten rounds
 * of a, b, c, d (offsets 0..39), a tombstone for b (40), e once (41), then a record too large to share a
 * segment (42), so that every record before it is in a sealed segment, which compaction may clean.
 */
function records(): { key: string; value: string | null }[] {
  const out: { key: string; value: string | null }[] = [];
  for (let r = 0; r < ROUNDS; r++) for (const key of KEYS) out.push({ key, value: `${key}-${r}` });
  out.push({ key: 'b', value: null }, { key: 'e', value: 'e-0' }, { key: 'z', value: 'z'.repeat(900) });
  return out;
}

/** What a reader of the compacted log must see: offset, key, value (null for the tombstone). */
const EXPECTED: [number, string, string | null][] = [
  [36, 'a', 'a-9'], [38, 'c', 'c-9'], [39, 'd', 'd-9'], [40, 'b', null], [41, 'e', 'e-0'], [42, 'z', 'z'.repeat(900)],
];

const READ_TO_END = String.raw`
import json, sys
from kafka import KafkaConsumer, TopicPartition
bootstrap, topic = sys.argv[1], sys.argv[2]
consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=15000)
tp = TopicPartition(topic, 0)
consumer.assign([tp])
consumer.seek_to_beginning(tp)
end = consumer.end_offsets([tp])[tp]
print(json.dumps({'beginning': consumer.beginning_offsets([tp])[tp], 'end': end}))
for m in consumer:
    print(json.dumps({'offset': m.offset, 'key': m.key.decode(), 'value': None if m.value is None else m.value.decode()}))
    if m.offset >= end - 1:
        break
print(json.dumps({'position': consumer.position(tp)}))
consumer.close()
`;

describe('a compacted topic read by Kafka clients', () => {
  let broker: KafkaBroker;
  beforeAll(async () => {
    for (const tool of ['kcat', 'kafka-python'] as const) {
      const missing = missingTool(tool);
      if (missing) throw new Error(missing);
    }
    broker = await startKafkaBroker();
    const client = createClient({ brokers: [`127.0.0.1:${broker.port}`] });
    try {
      const admin = client.admin();
      await admin.createTopic(TOPIC, { cleanupPolicy: 'compact', segmentBytes: 1024 });
      const producer = client.producer();
      for (const r of records()) await producer.send({ topic: TOPIC, messages: [{ ...r, partition: 0 }] });
      await producer.close();
      const report = await admin.compactTopic(TOPIC);
      expect(report.segmentsCleaned).toBeGreaterThan(0);
      expect(report.bytesAfter).toBeLessThan(report.bytesBefore);
    } finally {
      await client.close();
    }
    expect(broker.store.logEndOffset(TOPIC, 0)).toBe(43);
  }, 60_000);
  afterAll(async () => broker?.close());

  it('kcat -C -e prints the latest value per key at its original offset and the tombstone as NULL', async () => {
    const consumed = await run('kcat', ['-b', bootstrap(broker), '-C', '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e', '-Z', '-f', '%o|%k|%S|%s\n'], { timeoutMs: 30_000 });
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout.trimEnd().split('\n')).toEqual(
      EXPECTED.map(([offset, key, value]) => `${offset}|${key}|${value === null ? -1 : value.length}|${value ?? 'NULL'}`));
  });

  it('kcat started at an offset inside a gap begins at the next record that exists', async () => {
    const consumed = await run('kcat', ['-b', bootstrap(broker), '-C', '-t', TOPIC, '-p', '0', '-o', '37', '-e', '-c', '2', '-f', '%o|%k\n'], { timeoutMs: 30_000 });
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout.trimEnd().split('\n')).toEqual(['38|c', '39|d']);
  });

  it('kafka-python reads the same records, offsets and tombstone, and ends at the log end offset', async () => {
    const consumed = await runPython(READ_TO_END, [bootstrap(broker), TOPIC], 60_000);
    expect(consumed.code, consumed.stderr).toBe(0);
    const lines = jsonLines<Record<string, unknown>>(consumed.stdout);
    expect(lines[0]).toEqual({ beginning: 0, end: 43 });
    expect(lines.slice(1, -1)).toEqual(EXPECTED.map(([offset, key, value]) => ({ offset, key, value })));
    expect(lines.at(-1)).toEqual({ position: 43 });
  });
});
