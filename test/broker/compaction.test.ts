// Compaction end to end over the native protocol: keyed records and tombstones produced with the client,
// compacted with admin.compactTopic, read back from offset 0 with the native consumer.
import { afterAll, describe, expect, it } from 'vitest';
import type { Client, ConsumedMessage } from '@klog/client';
import { clientFor, removeTempDirs, startTestBroker } from './fixture.js';

afterAll(removeTempDirs);

const DAY = 24 * 3600 * 1000;

/** Every record of partition 0 from offset 0 up to `end` (exclusive), with the native consumer. */
async function readFromStart(client: Client, topic: string, end: number): Promise<ConsumedMessage[]> {
  const consumer = client.consumer({ fromBeginning: true, maxWaitMs: 100 });
  consumer.assign([{ topic, partition: 0 }]);
  const out: ConsumedMessage[] = [];
  const deadline = Date.now() + 20_000;
  try {
    while ((out.at(-1)?.offset ?? -1) < end - 1) {
      if (Date.now() > deadline) throw new Error(`read up to offset ${out.at(-1)?.offset} of ${end}`);
      for (const batch of await consumer.poll()) out.push(...batch);
    }
  } finally {
    await consumer.close();
  }
  return out;
}

const latestByKey = (msgs: ConsumedMessage[]): Map<string, string | null> =>
  new Map(msgs.map((m) => [m.key!.toString(), m.value == null ? null : m.value.toString()]));

describe('a compacted topic over the native protocol', () => {
  it('serves the latest value of every key from offset 0 across the gaps; tombstones go after deleteRetentionMs', async () => {
    const broker = await startTestBroker();
    const client = clientFor(broker);
    try {
      const admin = client.admin();
      await admin.createTopic('prices', { cleanupPolicy: 'compact', segmentBytes: 1024, maxBatchBytes: 1024, deleteRetentionMs: DAY });
      const producer = client.producer({ lingerMs: 0 });
      const sent: { key: string; value: string | null }[] = [];
      const send = async (key: string, value: string | null): Promise<void> => {
        await producer.send({ topic: 'prices', messages: [{ key, value }] });
        sent.push({ key, value });
      };
      for (let round = 0; round < 30; round++) for (let k = 0; k < 4; k++) await send(`item-${k}`, `price ${round}.${k} ${'-'.repeat(30)}`);
      await send('item-3', null); // tombstone: item-3 is deleted
      for (let round = 0; round < 20; round++) for (let k = 0; k < 3; k++) await send(`item-${k}`, `late ${round}.${k} ${'-'.repeat(30)}`);
      await producer.close();
      const end = sent.length;

      const before = await readFromStart(client, 'prices', end);
      const first = await admin.compactTopic('prices');
      expect(first.segmentsCleaned).toBeGreaterThan(0);
      const after = await readFromStart(client, 'prices', end);
      expect(after.length).toBeLessThan(before.length);
      // Offsets did not change: each record read is the one sent at its offset; the gaps are simply skipped.
      for (const m of after) expect([m.key?.toString(), m.value?.toString() ?? null]).toEqual([sent[m.offset].key, sent[m.offset].value]);
      expect(after[0].offset).toBeGreaterThan(0);
      expect(latestByKey(after)).toEqual(latestByKey(before));
      expect(after.filter((m) => m.key!.toString() === 'item-3').map((m) => m.value)).toEqual([null]); // the tombstone stays

      // Once deleteRetentionMs is over, the tombstone goes too, and with it every trace of item-3.
      const config = await admin.alterTopicConfig('prices', { deleteRetentionMs: 0 });
      expect(config.cleanupPolicy).toBe('compact');
      await new Promise((r) => setTimeout(r, 5));
      await admin.compactTopic('prices');
      const last = await readFromStart(client, 'prices', end);
      expect(last.filter((m) => m.key!.toString() === 'item-3')).toEqual([]);
      expect([...latestByKey(last).keys()].sort()).toEqual(['item-0', 'item-1', 'item-2']);
      await expect(admin.compactTopic('no-such-topic')).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC' });
    } finally {
      await client.close();
      await broker.close();
    }
  }, 60_000);
});
