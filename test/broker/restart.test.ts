// A broker restart in the middle of a stream of sends: the client reconnects and retries, and afterwards every
// acknowledged record is in the log exactly once, and no record is there twice.
import type { AcksSetting, Client, Producer } from '@klog/client';
import { afterAll, describe, expect, it } from 'vitest';
import { clientFor, consumeAll, removeTempDirs, startTestBroker, tempDir, waitUntil } from './fixture.js';

afterAll(removeTempDirs);

const PARTITIONS = 3;

/** Sends numbered records, a few sends in flight at a time, until stopped; collects what was acknowledged. */
function keepSending(producer: Producer, topic: string) {
  const acked: number[] = [];
  const failures: unknown[] = [];
  let next = 0;
  let stopped = false;
  const lane = async (): Promise<void> => {
    while (!stopped) {
      const ids = Array.from({ length: 20 }, () => next++);
      try {
        await producer.send({ topic, messages: ids.map((id) => ({ key: `k${id % 17}`, value: String(id) })) });
        acked.push(...ids);
      } catch (err) {
        failures.push(err);
      }
    }
  };
  const lanes = Promise.all([lane(), lane(), lane()]);
  return {
    acked,
    failures,
    stop: async () => {
      stopped = true;
      await lanes;
    },
  };
}

async function checkLog(client: Client, topic: string, acked: number[]): Promise<void> {
  const end = (await client.admin().fetchOffsets(topic, 'latest')).reduce((n, p) => n + p.offset, 0);
  const values = (await consumeAll(client, topic, PARTITIONS, end)).map((m) => Number((m.value as Buffer).toString()));
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  expect([...counts].filter(([, n]) => n > 1)).toEqual([]); // no duplicates at all
  expect(acked.filter((id) => !counts.has(id))).toEqual([]); // nothing acknowledged is missing
}

describe('broker restart mid-stream', () => {
  it.each<[AcksSetting]>([[1], ['all']])('with acks %s: reconnects, loses no acknowledged record, duplicates none', async (acks) => {
    const dataDir = tempDir();
    let broker = await startTestBroker({ dataDir });
    const { port } = broker;
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('stream', { partitions: PARTITIONS });
      const producer = client.producer({ acks, lingerMs: 1 });
      const sender = keepSending(producer, 'stream');
      await waitUntil(() => sender.acked.length >= 2_000, 'records are acknowledged before the restart');
      await broker.close();
      const ackedWhileDown = sender.acked.length;
      broker = await startTestBroker({ dataDir, port });
      await waitUntil(() => sender.acked.length >= ackedWhileDown + 2_000, 'records are acknowledged after the restart');
      await sender.stop();
      await producer.close();
      expect(sender.failures).toEqual([]);
      await checkLog(client, 'stream', sender.acked);
    } finally {
      await client.close();
      await broker.close();
    }
  });
});
