// The JSON API under /api/v1 against a real broker with real data: counts, topic details, browsing (newest by
// key, by timestamp over every partition), producing through the API, groups and offset resets.
import { afterAll, describe, expect, it } from 'vitest';
import { clientFor, getJson, post, removeTempDirs, request, startHttpBroker, waitUntil } from './http-fixture.js';

afterAll(removeTempDirs);

describe('JSON API', () => {
  it('counts 1,234 records in a 3-partition topic and describes its partitions', async () => {
    const broker = await startHttpBroker();
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('orders', { partitions: 3, retentionMs: 3_600_000 });
      const producer = client.producer();
      await producer.send({ topic: 'orders', messages: Array.from({ length: 1234 }, (_, i) => ({ key: `customer-${i % 17}`, value: `order ${i}` })) });
      await producer.close();

      const { topics } = await getJson(broker.httpPort, '/api/v1/topics');
      expect(topics).toContainEqual(expect.objectContaining({ name: 'orders', partitions: 3, records: 1234, retentionMs: 3_600_000, internal: false }));
      expect(topics.find((t: { name: string }) => t.name === 'orders').sizeBytes).toBeGreaterThan(0);
      expect(topics).toContainEqual(expect.objectContaining({ name: '__consumer_offsets', internal: true }));

      const topic = await getJson(broker.httpPort, '/api/v1/topics/orders');
      expect(topic.config).toMatchObject({ partitions: 3, retentionMs: 3_600_000 });
      expect(topic.defaults.retentionMs).toBe(7 * 24 * 3600 * 1000);
      expect(topic.partitions).toHaveLength(3);
      expect(topic.partitions.reduce((s: number, p: { logEndOffset: number }) => s + p.logEndOffset, 0)).toBe(1234);
      expect(topic.partitions[0]).toEqual(expect.objectContaining({ partition: 0, logStartOffset: 0, segments: 1 }));

      const overview = await getJson(broker.httpPort, '/api/v1/overview');
      expect(overview).toMatchObject({
        topics: 3, // orders and the internal __consumer_offsets and __share_group_state (the queues' state)
        readOnly: false,
        listeners: { native: { host: '127.0.0.1', port: broker.port }, kafka: null, http: { host: '127.0.0.1', port: broker.httpPort } },
      });
      expect(overview.disk.totalBytes).toBeGreaterThan(overview.disk.freeBytes);
      expect(overview.connections.native).toBeGreaterThanOrEqual(1);
      expect(typeof overview.version).toBe('string');

      const missing = await request(broker.httpPort, '/api/v1/topics/nope');
      expect(missing.status).toBe(404);
      expect(missing.json().error.code).toBe('UNKNOWN_TOPIC');
    } finally {
      await client.close();
      await broker.close();
    }
  });

  it('finds the newest record with a key, reads from a timestamp over all partitions, and reads back what it produced', async () => {
    const broker = await startHttpBroker();
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('events', { partitions: 3 });
      const producer = client.producer();
      for (let round = 0; round < 5; round++) {
        await producer.send({ topic: 'events', messages: Array.from({ length: 100 }, (_, i) => ({ key: `user-${i % 10}`, value: `round ${round} #${i}` })) });
      }
      await producer.send({ topic: 'events', messages: [{ key: 'user-3', value: 'the newest of user-3' }] });
      const cut = Date.now() + 5;
      await new Promise((r) => setTimeout(r, 20));
      await producer.send({ topic: 'events', messages: Array.from({ length: 30 }, (_, i) => ({ key: `late-${i}`, value: `late ${i}` })) });
      await producer.close();

      const byKey = await getJson(broker.httpPort, '/api/v1/topics/events/messages?partition=all&from=latest&key=user-3&limit=1');
      expect(byKey.messages).toHaveLength(1);
      expect(byKey.messages[0].value.text).toBe('the newest of user-3');
      expect(byKey.messages[0].key).toEqual({ text: 'user-3', base64: Buffer.from('user-3').toString('base64') });
      expect(byKey.stoppedBecause).toBe('limit');

      const allOfKey = await getJson(broker.httpPort, '/api/v1/topics/events/messages?from=earliest&key=user-3&limit=500');
      expect(allOfKey.messages).toHaveLength(51);
      expect(allOfKey.stoppedBecause).toBe('end');
      expect(allOfKey.scanned).toBe(531);

      const late = await getJson(broker.httpPort, `/api/v1/topics/events/messages?partition=all&from=timestamp&timestamp=${cut}&limit=500`);
      expect(late.messages.map((m: { value: { text: string } }) => m.value.text).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `late ${i}`).sort());
      expect(new Set(late.messages.map((m: { partition: number }) => m.partition)).size).toBeGreaterThan(1);

      const newest = await getJson(broker.httpPort, '/api/v1/topics/events/messages?from=latest&limit=10');
      expect(newest.messages).toHaveLength(10);
      const stamps = newest.messages.map((m: { timestamp: number }) => m.timestamp);
      expect([...stamps].sort((a, b) => b - a)).toEqual(stamps);

      const produced = await post(broker.httpPort, '/api/v1/topics/events/messages', { key: 'user-3', value: 'from the console', headers: [{ key: 'source', value: 'api' }, { key: 'empty', value: null }] });
      expect(produced.status).toBe(200);
      const ack = produced.json();
      expect(ack.partition).toBe(byKey.messages[0].partition); // the key's partition, as a client would choose
      const back = await getJson(broker.httpPort, `/api/v1/topics/events/messages?partition=${ack.partition}&from=offset&offset=${ack.offset}&limit=1`);
      expect(back.messages[0]).toMatchObject({
        partition: ack.partition, offset: ack.offset, value: { text: 'from the console' },
        headers: [{ key: 'source', value: { text: 'api', base64: Buffer.from('api').toString('base64') } }, { key: 'empty', value: null }],
      });
      const keyless = await post(broker.httpPort, '/api/v1/topics/events/messages', { value: null, partition: 2 });
      expect(keyless.json()).toEqual({ partition: 2, offset: expect.any(Number) });

      const binary = await post(broker.httpPort, '/api/v1/topics/events/messages', { value: 'x' });
      expect(binary.status).toBe(200);
      const bad = await request(broker.httpPort, '/api/v1/topics/events/messages?from=offset');
      expect(bad.status).toBe(400);
      expect(bad.json().error.code).toBe('INVALID_REQUEST');
      expect((await request(broker.httpPort, '/api/v1/topics/events/messages?partition=9')).status).toBe(400);
    } finally {
      await client.close();
      await broker.close();
    }
  });

  it('describes groups with lag, previews and resets offsets, and refuses a reset while a member is live', async () => {
    const broker = await startHttpBroker();
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('jobs', { partitions: 2 });
      const producer = client.producer();
      await producer.send({ topic: 'jobs', messages: Array.from({ length: 100 }, (_, i) => ({ key: `j${i}`, value: `job ${i}` })) });
      await producer.close();

      const consumer = client.consumer({ groupId: 'workers', sessionTimeoutMs: 6_000, autoCommitIntervalMs: 100, maxWaitMs: 100, fromBeginning: true });
      await consumer.subscribe({ topics: ['jobs'] });
      let seen = 0;
      const running = consumer.run({ eachMessage: async () => { seen++; } });
      await waitUntil(() => seen === 100, 'the member read every job');
      await waitUntil(async () => (await client.admin().describeGroup('workers')).partitions.every((p) => p.lag === 0), 'the member committed');

      const live = await getJson(broker.httpPort, '/api/v1/groups/workers');
      expect(live).toMatchObject({ groupId: 'workers', state: 'Stable', protocolType: 'klog' });
      expect(live.members).toHaveLength(1);
      expect(live.members[0].assignments).toEqual([{ topic: 'jobs', partitions: [0, 1] }]);
      expect(live.offsets.map((o: { lag: number }) => o.lag)).toEqual([0, 0]);
      expect(live.offsets.reduce((s: number, o: { committed: number }) => s + o.committed, 0)).toBe(100);
      const { groups } = await getJson(broker.httpPort, '/api/v1/groups');
      expect(groups).toEqual([{ groupId: 'workers', state: 'Stable', members: 1, lagSum: 0 }]);

      const refused = await post(broker.httpPort, '/api/v1/groups/workers/reset-offsets', { topic: 'jobs', to: 'earliest', dryRun: false });
      expect(refused.status).toBe(409);
      expect(refused.json().error.code).toBe('NON_EMPTY_GROUP');

      await consumer.close();
      await running;
      const preview = await post(broker.httpPort, '/api/v1/groups/workers/reset-offsets', { topic: 'jobs', to: 'earliest', dryRun: true });
      expect(preview.status).toBe(200);
      const committed = live.offsets.map((o: { committed: number }) => o.committed);
      expect(preview.json().offsets).toEqual([
        { topic: 'jobs', partition: 0, from: committed[0], to: 0 },
        { topic: 'jobs', partition: 1, from: committed[1], to: 0 },
      ]);
      expect((await client.admin().describeGroup('workers')).partitions.map((p) => p.lag)).toEqual([0, 0]); // a preview changes nothing

      const done = await post(broker.httpPort, '/api/v1/groups/workers/reset-offsets', { topic: 'jobs', to: { offset: 10 }, dryRun: false });
      expect(done.json().offsets.map((o: { to: number }) => o.to)).toEqual([10, 10]);
      const after = await client.admin().describeGroup('workers');
      expect(after.partitions.map((p) => p.committedOffset)).toEqual([10, 10]);
      const lagSum = after.partitions.reduce((s, p) => s + (p.lag ?? 0), 0);
      expect((await getJson(broker.httpPort, '/api/v1/groups')).groups).toEqual([{ groupId: 'workers', state: 'Empty', members: 0, lagSum }]);

      expect((await post(broker.httpPort, '/api/v1/groups/workers/reset-offsets', { topic: 'jobs', to: 'sideways' })).status).toBe(400);
      expect((await post(broker.httpPort, '/api/v1/groups/workers/reset-offsets', { topic: 'nope', to: 'latest' })).status).toBe(404);
      expect((await request(broker.httpPort, '/api/v1/groups/nobody')).status).toBe(404);
    } finally {
      await client.close().catch(() => undefined);
      await broker.close();
    }
  });
  it('lists and describes queues with their counts and members, and re-drives a dead letter', async () => {
    const broker = await startHttpBroker();
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('orders', { partitions: 2 });
      const producer = client.producer();
      await producer.send({ topic: 'orders', messages: Array.from({ length: 10 }, (_, i) => ({ key: `o${i}`, value: `order ${i}` })) });
      await producer.close();
      const q = client.queue({ name: 'billing', topics: ['orders'], start: 'earliest', deadLetterTopic: 'orders.dlq', lockMs: 60_000 });
      const got = [];
      while (got.length < 3) got.push(...await q.receive({ max: 3 - got.length, maxWaitMs: 5_000 }));
      await got[0].accept();
      await got[1].reject('unpayable');
      await waitUntil(async () => (await client.admin().describeQueue('billing')).partitions.some((p) => p.archived === 1), 'the record is archived');

      const { queues } = await getJson(broker.httpPort, '/api/v1/queues');
      expect(queues).toHaveLength(1);
      expect(queues[0]).toMatchObject({ name: 'billing', topics: ['orders'], members: 1, ready: 7, delayed: 0, inFlight: 1, dead: 1 });
      expect(queues[0].oldestReadyAgeMs).toBeGreaterThanOrEqual(0);

      const detail = await getJson(broker.httpPort, '/api/v1/queues/billing');
      expect(detail).toMatchObject({ name: 'billing', config: { name: 'billing', topics: ['orders'], deadLetterTopic: 'orders.dlq', lockMs: 60_000 } });
      expect(detail.members).toEqual([expect.objectContaining({ memberId: q.memberId })]);
      const described = await client.admin().describeQueue('billing');
      expect(detail.partitions).toEqual(described.partitions.map((p) => ({
        topic: 'orders', partition: p.partition, ready: p.ready, delayed: p.delayed, inFlight: p.inFlight, archived: p.archived,
        oldestReadyAgeMs: expect.any(Number),
      })));

      await waitUntil(async () => (await request(broker.httpPort, '/api/v1/topics/orders.dlq')).json().partitions?.some((p: { logEndOffset: number }) => p.logEndOffset > 0), 'the dead letter is written');
      const redriven = await post(broker.httpPort, '/api/v1/queues/billing/redrive', {});
      expect(redriven.status).toBe(200);
      expect(redriven.json()).toEqual({ moved: 1 });
      await waitUntil(async () => (await getJson(broker.httpPort, '/api/v1/queues')).queues[0].ready === 8, 'the re-driven record is ready');
      expect((await post(broker.httpPort, '/api/v1/queues/billing/redrive', { max: 5 })).json()).toEqual({ moved: 0 });

      expect((await post(broker.httpPort, '/api/v1/queues/billing/redrive', { max: -1 })).status).toBe(400);
      expect((await post(broker.httpPort, '/api/v1/queues/nope/redrive', {})).status).toBe(404);
      const missing = await request(broker.httpPort, '/api/v1/queues/nope');
      expect(missing.status).toBe(404);
      expect(missing.json().error.code).toBe('UNKNOWN_QUEUE');
      await q.close();
    } finally {
      await client.close().catch(() => undefined);
      await broker.close();
    }
  });
});
