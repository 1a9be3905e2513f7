// Queue mode over the wire: a real broker hosts the queue, @klog/client members work on it, and every refusal
// reaches the client as a typed error.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Broker } from '@klog/broker';
import { createClient, KlogError, type Client, type Logger, type QueueMessage } from '@klog/client';
import { clientFor, removeTempDirs, startTestBroker, tempDir, waitUntil } from '../broker/fixture.js';
import { produceNumbered } from '../broker/group-fixture.js';

afterAll(removeTempDirs);

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(KlogError);
  return (err as KlogError).code;
}

describe('queues over the wire', () => {
  let broker: Broker;
  let client: Client;
  beforeEach(async () => {
    broker = await startTestBroker();
    client = clientFor(broker);
  });
  afterEach(async () => {
    await client.close();
    await broker.close();
  });

  it('delivers each record to one of several members and accepts it when the handler resolves', async () => {
    await client.admin().createTopic('jobs', { partitions: 2 });
    await produceNumbered(client, 'jobs', 0, 500);
    const seen = new Map<string, number>();
    const members = [0, 1, 2].map(() => client.queue({ name: 'work', topics: ['jobs'], start: 'earliest', valueDeserializer: 'string' }));
    const runs = members.map((q) => q.run({ concurrency: 3, eachMessage: async ({ message }) => {
      seen.set(message.value as string, (seen.get(message.value as string) ?? 0) + 1);
    } }));
    await waitUntil(() => seen.size === 500, 'every record is handled');
    await waitUntil(async () => (await client.admin().describeQueue('work')).partitions.every((p) => p.lag === 0), 'nothing is left');
    await Promise.all(members.map((q) => q.close()));
    await Promise.all(runs);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    const info = await client.admin().describeQueue('work');
    expect(info.config).toMatchObject({ name: 'work', topics: ['jobs'], lockMs: 30_000, maxDeliveries: 5, start: 'earliest' });
    expect(await client.admin().listQueues()).toEqual([{ name: 'work', topics: ['jobs'], members: 0 }]);
  });

  it('iterates with for await; accept, release with a delay, reject and renew travel as acknowledgements', async () => {
    await client.admin().createTopic('jobs');
    const q = client.queue({ name: 'iter', topics: ['jobs'], start: 'earliest', deadLetterTopic: 'jobs.dlq', valueDeserializer: 'string' });
    await q.ready();
    await produceNumbered(client, 'jobs', 0, 3);
    const got: QueueMessage[] = [];
    for await (const msg of q) {
      got.push(msg);
      expect(msg.deliveryCount).toBe(1);
      expect(msg.lockUntil).toBeGreaterThan(msg.timestamp);
      await msg.renew();
      if (msg.value === '0') await msg.accept();
      if (msg.value === '1') await msg.reject('bad input');
      if (msg.value === '2') await msg.release({ delayMs: 60_000 });
      if (got.length === 3) break;
    }
    const stats = (await client.admin().describeQueue('iter')).partitions[0];
    expect(stats).toMatchObject({ ready: 0, delayed: 1, inFlight: 0, archived: 1 });
    await q.close();
  });

  it('answers bad acknowledgements, unknown queues and bad settings with typed errors', async () => {
    await client.admin().createTopic('jobs');
    await produceNumbered(client, 'jobs', 0, 2);
    const q = client.queue({ name: 'strict', topics: ['jobs'], start: 'earliest', lockMs: 1_000 });
    const [msg] = await q.receive({ maxWaitMs: 5_000 });
    // An ack of a record this member never received.
    const conn = client.connection();
    const res = await conn.request('shareAcknowledge', { queue: 'strict', memberId: q.memberId, acks: [{ topic: 'jobs', partition: 0, offset: 1, type: 'accept' }] });
    expect(res.results.failures.map((f) => [f.index, f.errorCode])).toEqual([[0, 'INVALID_ACK']]);
    // A negative delay.
    expect(await refusal(msg.release({ delayMs: -5 }))).toBe('INVALID_ACK');
    // The lock runs out (no renewal): the ack is refused and the record comes back.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await refusal(msg.accept())).toBe('LOCK_LOST');
    const [again] = await q.receive({ maxWaitMs: 5_000 });
    expect(again.offset).toBe(msg.offset);
    expect(again.deliveryCount).toBe(2);
    await again.accept();
    // Twice the same acknowledgement.
    expect(await refusal(again.accept())).toBe('INVALID_ACK');
    // No such queue, over every path.
    expect(await refusal(client.admin().describeQueue('nope'))).toBe('UNKNOWN_QUEUE');
    expect(await refusal(client.queue({ name: 'nope' }).ready())).toBe('UNKNOWN_QUEUE');
    expect(await refusal(conn.request('shareFetch', { queue: 'nope', memberId: 'x', maxWaitMs: 0 }))).toBe('UNKNOWN_QUEUE');
    expect(await refusal(client.admin().redriveQueue('nope'))).toBe('UNKNOWN_QUEUE');
    // Fields the schema refuses before any queue sees them.
    expect(await refusal(conn.request('shareAcknowledge', { queue: 'strict', memberId: q.memberId,
      acks: [{ topic: 'jobs', partition: 0, offset: 0, type: 'forget' as never }] }))).toBe('INVALID_REQUEST');
    expect(await refusal(conn.request('shareFetch', { queue: 'strict', memberId: q.memberId, maxRecords: 0 }))).toBe('INVALID_REQUEST');
    // Bad settings and a missing topic.
    expect(await refusal(client.admin().createQueue({ name: 'x', topics: ['jobs'], deadLetterTopic: 'jobs' }))).toBe('INVALID_CONFIG');
    expect(await refusal(client.admin().createQueue({ name: 'y', topics: ['missing'] }))).toBe('UNKNOWN_TOPIC');
    await q.close();
  });

  it('acknowledgements made together share one request, and each message gets its own answer', async () => {
    await client.admin().createTopic('jobs');
    await produceNumbered(client, 'jobs', 0, 5);
    const q = client.queue({ name: 'batched', topics: ['jobs'], start: 'earliest', deadLetterTopic: 'jobs.dlq' });
    const m = await q.receive({ max: 5, maxWaitMs: 5_000 });
    expect(m).toHaveLength(5);
    const outcome = (p: Promise<void>) => p.then(() => 'ok', (e: unknown) => (e instanceof KlogError ? e.code : String(e)));
    // All in one turn: one shareAcknowledge carries them, applied in order.
    const answers = await Promise.all([
      outcome(m[0].accept()), outcome(m[1].accept()), outcome(m[1].accept()), outcome(m[2].release({ delayMs: -5 })),
      outcome(m[3].reject('bad')), outcome(m[4].renew()), outcome(m[4].release({ delayMs: 60_000 })),
    ]);
    expect(answers).toEqual(['ok', 'ok', 'INVALID_ACK', 'INVALID_ACK', 'ok', 'ok', 'ok']);
    await waitUntil(async () => (await client.admin().describeQueue('batched')).partitions[0].inFlight === 1, 'only the badly released record still held');
    expect((await client.admin().describeQueue('batched')).partitions[0]).toMatchObject({ delayed: 1, archived: 1 });
    await q.close();
  });

  it('re-drives at a rate: the option is taken and every dead letter moves back', async () => {
    await client.admin().createTopic('jobs');
    await produceNumbered(client, 'jobs', 0, 30);
    const q = client.queue({ name: 'paced', topics: ['jobs'], start: 'earliest', deadLetterTopic: 'jobs.dlq' });
    const got = await q.receive({ max: 30, maxWaitMs: 5_000 });
    await Promise.all(got.map((m) => m.reject('bad')));
    await waitUntil(async () => (await client.admin().metadata(['jobs.dlq']))[0].partitions[0].logEndOffset === 30, 'every dead letter written');
    expect(await client.admin().redriveQueue('paced', { ratePerSec: 1_000 })).toEqual({ moved: 30 });
    expect(await client.admin().redriveQueue('paced', { ratePerSec: 1_000 })).toEqual({ moved: 0 });
    expect((await client.admin().describeQueue('paced')).partitions[0]).toMatchObject({ ready: 30, archived: 30 });
    expect(await refusal(client.admin().redriveQueue('paced', { ratePerSec: -1 }))).toBe('INVALID_CONFIG');
    await q.close();
  });

  it('releases a member\'s records at once when it closes, and deletes and resets queues', async () => {
    await client.admin().createTopic('jobs');
    await produceNumbered(client, 'jobs', 0, 5);
    const a = client.queue({ name: 'handoff', topics: ['jobs'], start: 'earliest' });
    const held = await a.receive({ max: 5, maxWaitMs: 5_000 });
    expect(held).toHaveLength(5);
    const b = client.queue({ name: 'handoff' });
    expect(await b.receive({ maxWaitMs: 100 })).toEqual([]);
    await a.close();
    const taken = await b.receive({ max: 5, maxWaitMs: 5_000 });
    expect(taken.map((m) => m.offset)).toEqual([0, 1, 2, 3, 4]);
    for (const m of taken) await m.accept();
    await client.admin().resetQueue('handoff', 'earliest');
    expect((await client.admin().describeQueue('handoff')).partitions[0]).toMatchObject({ startOffset: 0, ready: 5 });
    await b.close();
    await client.admin().deleteQueue('handoff');
    expect(await client.admin().listQueues()).toEqual([]);
  });
});

describe('queue members across broker changes', () => {
  it('a member rides through a broker restart and goes on working; a deleted queue ends run() with UNKNOWN_QUEUE', async () => {
    const dataDir = tempDir();
    let broker = await startTestBroker({ dataDir });
    const port = broker.port;
    // The member warns of each failed fetch while the broker is away: expected here, so kept quiet.
    const none = () => undefined;
    const client = createClient({ brokers: [`127.0.0.1:${port}`], logger: { debug: none, info: none, warn: none, error: none } as unknown as Logger });
    try {
      await client.admin().createTopic('jobs');
      const q = client.queue({ name: 'steady', topics: ['jobs'], start: 'earliest', valueDeserializer: 'string' });
      const seen = new Set<string>();
      const run = q.run({ concurrency: 2, eachMessage: async ({ message }) => void seen.add(message.value as string) });
      await produceNumbered(client, 'jobs', 0, 100);
      await waitUntil(() => seen.size === 100, 'the first records are handled');
      await broker.close();
      broker = await startTestBroker({ dataDir, port });
      await produceNumbered(client, 'jobs', 100, 100);
      await waitUntil(() => seen.size === 200, 'records produced after the restart are handled too');
      await client.admin().deleteQueue('steady');
      expect(await refusal(run)).toBe('UNKNOWN_QUEUE');
      await q.close();
    } finally {
      await client.close();
      await broker.close();
    }
  });
});
