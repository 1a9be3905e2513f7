// The error table's refreshMetadata in action: a producer told that a partition is unknown stops trusting the
// partition count it had for the topic, so its next sends go by what the broker has now.
import { isKlogError } from '@klog/client';
import { afterEach, expect, it } from 'vitest';
import { clientFor, removeTempDirs, startTestBroker } from './fixture.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  removeTempDirs();
});

it('a producer whose topic was recreated with fewer partitions fails the send to a gone one, then uses the new count', async () => {
  const broker = await startTestBroker();
  cleanup.push(() => broker.close());
  const client = clientFor(broker);
  cleanup.push(() => client.close());
  const admin = client.admin();
  await admin.createTopic('resized', { partitions: 4 });
  const producer = client.producer();
  await producer.send({ topic: 'resized', messages: [{ value: 'a', partition: 3 }] }); // the producer now knows 4

  await admin.deleteTopic('resized');
  await admin.createTopic('resized', { partitions: 2 });
  const err = await producer.send({ topic: 'resized', messages: [{ value: 'b', partition: 3 }] }).then(() => null, (e: unknown) => e);
  expect(isKlogError(err, 'UNKNOWN_PARTITION'), String(err)).toBe(true);

  // Keyed records spread over the partitions the producer believes in: with 4, about half would miss.
  const keyed = Array.from({ length: 20 }, (_, i) => ({ key: `key-${i}`, value: `v${i}` }));
  const sent = await producer.send({ topic: 'resized', messages: keyed });
  expect(new Set(sent.map((m) => m.partition))).toEqual(new Set([0, 1]));
});
