// The event streams: /api/v1/events sends cumulative traffic every second; a tail receives every record of a
// burst appended after it started, from every partition, and nothing from before.
import { afterAll, describe, expect, it } from 'vitest';
import { clientFor, getJson, openEventStream, removeTempDirs, startHttpBroker, waitUntil } from './http-fixture.js';

afterAll(removeTempDirs);

describe('event streams', () => {
  it('tails every record of a burst of 500 over all partitions', async () => {
    const broker = await startHttpBroker();
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('burst', { partitions: 3 });
      const producer = client.producer();
      await producer.send({ topic: 'burst', messages: Array.from({ length: 20 }, (_, i) => ({ value: `before ${i}` })) });
      const tail = await openEventStream(broker.httpPort, '/api/v1/topics/burst/tail?partition=all');
      expect(tail.status).toBe(200);
      await producer.send({ topic: 'burst', messages: Array.from({ length: 500 }, (_, i) => ({ key: `k${i}`, value: `burst ${i}` })) });
      await producer.close();
      await waitUntil(() => tail.events.length >= 500, 'the tail received 500 records');
      await new Promise((r) => setTimeout(r, 100));
      tail.close();
      const records = tail.events.filter((e) => e.event === 'record');
      expect(tail.events.filter((e) => e.event === 'dropped')).toEqual([]);
      expect(records.map((e) => e.data.value.text).sort()).toEqual(Array.from({ length: 500 }, (_, i) => `burst ${i}`).sort());
      expect(new Set(records.map((e) => e.data.partition))).toEqual(new Set([0, 1, 2]));
      for (const p of [0, 1, 2]) {
        const offsets = records.filter((e) => e.data.partition === p).map((e) => e.data.offset);
        expect([...offsets].sort((a, b) => a - b)).toEqual(offsets); // in offset order within a partition
      }
      const one = await openEventStream(broker.httpPort, '/api/v1/topics/burst/tail?partition=1');
      const second = client.producer();
      await second.send({ topic: 'burst', messages: [{ value: 'to 2', partition: 2 }, { value: 'to 1', partition: 1 }] });
      await second.close();
      await waitUntil(() => one.events.length >= 1, 'the one-partition tail received its record');
      await new Promise((r) => setTimeout(r, 100));
      one.close();
      expect(one.events.map((e) => e.data.value.text)).toEqual(['to 1']);
    } finally {
      await client.close();
      await broker.close();
    }
  });

  it('sends cumulative stats every second', async () => {
    const broker = await startHttpBroker();
    const client = clientFor(broker);
    try {
      const stream = await openEventStream(broker.httpPort, '/api/v1/events');
      await waitUntil(() => stream.events.length >= 1, 'the first stats event');
      expect(stream.events[0].event).toBe('stats');
      expect(stream.events[0].data).toMatchObject({ producedRecords: 0, producedBytes: 0, fetchedRecords: 0, fetchedBytes: 0, connections: { native: 0, kafka: 0 } });
      await client.producer().send({ topic: 'counted', messages: Array.from({ length: 42 }, (_, i) => ({ value: `v${i}` })) });
      await waitUntil(() => stream.events.some((e) => e.event === 'stats' && e.data.producedRecords === 42), 'a stats event with the 42 records');
      const last = stream.events.filter((e) => e.event === 'stats').at(-1)!;
      expect(last.data.producedBytes).toBeGreaterThan(0);
      expect(last.data.connections.native).toBeGreaterThanOrEqual(1);
      expect(typeof last.data.time).toBe('number');
      stream.close();
    } finally {
      await client.close();
      await broker.close();
    }
  });

  it('sends each group\'s lag sum every second, as the groups API counts it', async () => {
    const broker = await startHttpBroker();
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('lagging', { partitions: 2 });
      await client.producer().send({ topic: 'lagging', messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
      await client.admin().resetOffsets('slow', 'lagging', { offset: 3 });
      const stream = await openEventStream(broker.httpPort, '/api/v1/events');
      await waitUntil(() => stream.events.filter((e) => e.event === 'groups').length >= 2, 'two groups events');
      const { groups } = await getJson(broker.httpPort, '/api/v1/groups');
      const last = stream.events.filter((e) => e.event === 'groups').at(-1)!;
      expect(last.data.lag).toEqual({ slow: groups[0].lagSum });
      expect(groups[0].lagSum).toBeGreaterThan(0);
      expect(typeof last.data.time).toBe('number');
      stream.close();
    } finally {
      await client.close();
      await broker.close();
    }
  });
});
