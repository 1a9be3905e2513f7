// admin.deleteRecords (Kafka's DeleteRecords) through a real broker: the start offset moves, consumers start
// there, whole segments below it leave the disk, and the new start survives a restart.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { clientFor, removeTempDirs, startTestBroker, tempDir } from './fixture.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  removeTempDirs();
});

const segmentsOf = (dataDir: string, dir: string) => readdirSync(join(dataDir, dir)).filter((f) => f.endsWith('.log')).length;

it('moves the log start offset, deletes the segments below it, and keeps it across a restart', async () => {
  const dataDir = tempDir();
  let broker = await startTestBroker({ dataDir });
  const client = clientFor(broker);
  cleanup.push(() => client.close());
  const admin = client.admin();
  await admin.createTopic('trim', { partitions: 2, segmentBytes: 1024, retentionMs: -1 });
  const producer = client.producer({ lingerMs: 0 });
  for (let i = 0; i < 40; i++) await producer.send({ topic: 'trim', messages: [{ value: Buffer.alloc(200, i), partition: 0 }] });
  await producer.close();
  const before = segmentsOf(dataDir, 'trim-0');
  expect(before).toBeGreaterThan(5);

  expect(await admin.deleteRecords('trim', 0, 30)).toBe(30);
  expect(segmentsOf(dataDir, 'trim-0')).toBeLessThan(before);
  expect(await admin.fetchOffsets('trim', 'earliest')).toEqual([{ partition: 0, offset: 30 }, { partition: 1, offset: 0 }]);
  // An offset below the start is already trimmed: nothing changes.
  expect(await admin.deleteRecords('trim', 0, 10)).toBe(30);
  await expect(admin.deleteRecords('trim', 0, 41)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
  await expect(admin.deleteRecords('trim', 2, 0)).rejects.toMatchObject({ code: 'UNKNOWN_PARTITION' });

  const consumer = client.consumer({ fromBeginning: true });
  consumer.assign([{ topic: 'trim', partition: 0 }]);
  const [messages] = await consumer.poll();
  expect(messages[0].offset).toBe(30);
  await consumer.close();

  await client.close();
  await broker.close();
  broker = await startTestBroker({ dataDir });
  cleanup.push(() => broker.close());
  const again = clientFor(broker);
  cleanup.push(() => again.close());
  expect((await again.admin().metadata(['trim']))[0].partitions[0].logStartOffset).toBe(30);
});
