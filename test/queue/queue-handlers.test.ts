// What run() does with handlers over the wire: a handler that keeps failing sends its record to the dead-letter
// topic after exactly maxDeliveries without holding the others back, re-drive brings it back once, and a
// handler longer than the lock keeps its record through automatic renewal.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Broker } from '@klog/broker';
import type { Client, ConsumedMessage, Logger } from '@klog/client';
import { createClient } from '@klog/client';
import { removeTempDirs, startTestBroker, waitUntil } from '../broker/fixture.js';
import { produceNumbered } from '../broker/group-fixture.js';

afterAll(removeTempDirs);

/** A logger that keeps the warnings (failed acknowledgements are warnings), quiet otherwise. */
function recordingLogger(warnings: string[]): Logger {
  const none = () => undefined;
  return { debug: none, info: none, error: none, warn: (_obj: unknown, msg?: string) => void warnings.push(String(msg)) } as unknown as Logger;
}

async function readAll(client: Client, topic: string, count: number): Promise<ConsumedMessage[]> {
  const consumer = client.consumer({ fromBeginning: true, maxWaitMs: 100, valueDeserializer: 'string' });
  consumer.assign([{ topic, partition: 0 }]);
  const out: ConsumedMessage[] = [];
  for await (const m of consumer) {
    out.push(m);
    if (out.length === count) break;
  }
  await consumer.close();
  return out;
}

describe('queue handlers over the wire', () => {
  let broker: Broker;
  let client: Client;
  const warnings: string[] = [];
  beforeEach(async () => {
    broker = await startTestBroker();
    warnings.length = 0;
    client = createClient({ brokers: [`127.0.0.1:${broker.port}`], clientId: 'test', logger: recordingLogger(warnings) });
  });
  afterEach(async () => {
    await client.close();
    await broker.close();
  });

  it('a poison record reaches the dead-letter topic after exactly maxDeliveries; the others are not held back; re-drive brings it back once', async () => {
    await client.admin().createTopic('jobs');
    const q = client.queue({ name: 'poison', topics: ['jobs'], start: 'earliest', maxDeliveries: 3, deadLetterTopic: 'jobs.dlq', valueDeserializer: 'string' });
    const attempts = new Map<string, number>();
    let cured = false;
    const run = q.run({ concurrency: 2, eachMessage: async ({ message }) => {
      const v = message.value as string;
      attempts.set(v, (attempts.get(v) ?? 0) + 1);
      if (v === '5' && !cured) throw new Error('cannot parse record 5');
    } });
    await produceNumbered(client, 'jobs', 0, 50);
    await waitUntil(() => attempts.size === 50 && attempts.get('5') === 3, 'every record is tried, the poison one three times');
    const [dead] = await readAll(client, 'jobs.dlq', 1);
    expect(dead.value).toBe('5');
    expect(dead.headers['__dlq.errors.group']?.toString()).toBe('poison');
    expect(dead.headers['__dlq.errors.topic']?.toString()).toBe('jobs');
    expect(dead.headers['__dlq.errors.partition']?.toString()).toBe('0');
    expect(dead.headers['__dlq.errors.offset']?.toString()).toBe('5');
    expect(dead.headers['__dlq.errors.delivery.count']?.toString()).toBe('3');
    expect(dead.headers['__dlq.errors.message']?.toString()).toBe('Offset delivery count exceeded the threshold.');
    expect(dead.headers['__dlq.errors.reason']?.toString()).toBe('cannot parse record 5');
    for (const [v, n] of attempts) if (v !== '5') expect(n).toBe(1);
    expect((await client.admin().describeQueue('poison')).partitions[0]).toMatchObject({ lag: 0, archived: 1 });

    cured = true;
    expect(await client.admin().redriveQueue('poison')).toEqual({ moved: 1 });
    await waitUntil(() => attempts.get('5') === 4, 'the re-driven record is delivered again');
    await waitUntil(async () => (await client.admin().describeQueue('poison')).partitions[0].lag === 0, 'and accepted');
    expect(await client.admin().redriveQueue('poison')).toEqual({ moved: 0 });
    const back = (await readAll(client, 'jobs', 51))[50];
    expect(back.value).toBe('5');
    expect(Object.keys(back.headers).filter((k) => k.startsWith('__dlq.'))).toEqual([]);
    await q.close();
    await run;
  });

  it('a handler that runs three times lockMs keeps its record through automatic renewal', async () => {
    await client.admin().createTopic('jobs');
    const lockMs = 1_000; // renewals every 500 ms: room for a slow machine
    const q = client.queue({ name: 'slow', topics: ['jobs'], start: 'earliest', lockMs, valueDeserializer: 'string' });
    const other = client.queue({ name: 'slow' });
    const deliveries: number[] = [];
    let done = false;
    const run = q.run({ eachMessage: async ({ deliveryCount }) => {
      deliveries.push(deliveryCount);
      await new Promise((r) => setTimeout(r, 3 * lockMs));
      done = true;
    } });
    await produceNumbered(client, 'jobs', 0, 1);
    // Another member asks all along: it must never get the record while the slow handler works on it.
    const stolen: unknown[] = [];
    while (!done) stolen.push(...(await other.receive({ maxWaitMs: 100 })));
    await waitUntil(async () => (await client.admin().describeQueue('slow')).partitions[0].lag === 0, 'the record is accepted');
    expect(stolen).toEqual([]);
    expect(deliveries).toEqual([1]);
    expect(warnings).toEqual([]);
    await Promise.all([q.close(), other.close()]);
    await run;
  });
});
