// Long-poll fetch: a fetch waiting on an empty partition is answered by the append that arrives while it waits;
// one that sees nothing comes back empty once its maxWaitMs is over.
import { afterAll, describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch, iterateBatches } from '@klog/log-core';
import { clientFor, partitionOf, RawConnection, removeTempDirs, startTestBroker } from './fixture.js';

afterAll(removeTempDirs);

describe('long-poll fetch', () => {
  it('wakes a waiting fetch when a record is produced 300 ms later, with no second request', async () => {
    const broker = await startTestBroker();
    const client = clientFor(broker);
    const raw = await RawConnection.open(broker.port);
    try {
      await client.admin().createTopic('lp', { partitions: 2 });
      const fetchId = raw.send('fetch', {
        maxWaitMs: 30_000, minBytes: 1, topics: [{ topic: 'lp', partitions: [{ partition: 0, offset: 0 }, { partition: 1, offset: 0 }] }],
      });
      const answer = raw.next();
      let answered = false;
      void answer.then(() => (answered = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(answered).toBe(false); // still waiting: nothing was there to answer with
      const producer = client.producer();
      await producer.send({ topic: 'lp', messages: [{ value: 'wake up', partition: 1 }] });
      const res = (await answer)!;
      expect(res.correlationId).toBe(fetchId);
      expect((partitionOf(res, 'lp', 1).records as Buffer).length).toBeGreaterThan(0);
      expect(partitionOf(res, 'lp', 1).highWatermark).toBe(1);
      expect((partitionOf(res, 'lp', 0).records as Buffer).length).toBe(0);
    } finally {
      raw.destroy();
      await client.close();
      await broker.close();
    }
  });

  it('a consumer waiting in poll() receives the record produced while it waits', async () => {
    const broker = await startTestBroker();
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('lp2');
      const consumer = client.consumer({ maxWaitMs: 20_000 });
      consumer.assign([{ topic: 'lp2', partition: 0, offset: 0 }]);
      const polled = consumer.poll();
      await new Promise((r) => setTimeout(r, 300));
      await client.producer().send({ topic: 'lp2', messages: [{ key: 'k', value: 'late' }] });
      const batches = await polled; // the single poll in flight carries it
      expect(batches.flat().map((m) => (m.value as Buffer).toString())).toEqual(['late']);
      expect(consumer.position('lp2', 0)).toBe(1);
      await consumer.close();
    } finally {
      await client.close();
      await broker.close();
    }
  });

  it('a produce pipelined behind a waiting fetch on the same connection wakes it; both are answered, in order', async () => {
    const broker = await startTestBroker();
    const raw = await RawConnection.open(broker.port);
    try {
      await raw.request('createTopics', { topics: [{ name: 'same', partitions: 1 }] });
      // The fetch cannot be answered before its max wait unless the append behind it wakes it: the produce's own
      // answer is queued behind the fetch's, so without the wake neither would arrive.
      const fetchId = raw.send('fetch', { maxWaitMs: 60_000, minBytes: 1, topics: [{ topic: 'same', partitions: [{ partition: 0, offset: 0 }] }] });
      const produceId = raw.send('produce', { acks: 1, topics: [{ topic: 'same', partitions: [{ partition: 0, batch: encodeBatch([{ value: Buffer.from('behind') }]) }] }] });
      const first = (await raw.next())!;
      const second = (await raw.next())!;
      expect([first.correlationId, second.correlationId]).toEqual([fetchId, produceId]);
      const data = partitionOf(first, 'same', 0).records as Buffer;
      const values = [...iterateBatches(data)].flatMap(({ pos }) => decodeBatch(data, pos).records.map((r) => r.value?.toString()));
      expect(values).toEqual(['behind']);
      expect(partitionOf(second, 'same', 0).baseOffset).toBe(0);
    } finally {
      raw.destroy();
      await broker.close();
    }
  });

  it('answers an empty fetch once maxWaitMs is over when nothing arrives', async () => {
    const broker = await startTestBroker();
    const raw = await RawConnection.open(broker.port);
    try {
      await raw.request('createTopics', { topics: [{ name: 'quiet', partitions: 1 }] });
      const res = await raw.request('fetch', { maxWaitMs: 300, topics: [{ topic: 'quiet', partitions: [{ partition: 0, offset: 0 }] }] });
      expect(res.errorCode).toBeUndefined();
      const p = partitionOf(res, 'quiet', 0);
      expect((p.records as Buffer).length).toBe(0);
      expect(p.highWatermark).toBe(0);
      expect(p.errorCode).toBeUndefined();
    } finally {
      raw.destroy();
      await broker.close();
    }
  });
});
