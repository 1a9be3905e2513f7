// The producer's linger: an idle producer sends at once, whatever lingerMs says; records sent while a request is
// in flight gather into one batch that goes when the request is answered. Each lingerMs here is ten minutes, so a
// send that waited for it would fail the test by its time-out.
import { iterateBatches } from '@klog/log-core';
import net from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { clientFor, removeTempDirs, startTestBroker, withClient } from './fixture.js';

afterAll(removeTempDirs);

// Well past the suite's 60 s test time-out.
const TEN_MINUTES = 600_000;

describe('producer linger', () => {
  it('an idle producer sends a lone record without waiting for lingerMs', async () => {
    const broker = await startTestBroker();
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('lone');
      const producer = client.producer({ lingerMs: TEN_MINUTES });
      const [meta] = await producer.send({ topic: 'lone', messages: [{ value: 'alone' }] });
      expect(meta.offset).toBe(0);
      expect(broker.store.logEndOffset('lone', 0)).toBe(1);
      await producer.close();
    } finally {
      await client.close();
      await broker.close();
    }
  });

  it('records sent while a request is in flight go together once it is answered', async () => {
    const broker = await startTestBroker();
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('gather');
      const producer = client.producer({ lingerMs: TEN_MINUTES });
      await producer.send({ topic: 'gather', messages: [{ value: 'warm-up' }] }); // metadata and producer id known
      let firstAnswered = false;
      const first = producer.send({ topic: 'gather', messages: [{ value: 'first' }] });
      void first.then(() => (firstAnswered = true));
      // The first batch leaves at the end of this turn (its setImmediate is queued after ours, so one more turn);
      // its answer needs the broker's turn and then ours, so it is still in flight here.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(firstAnswered).toBe(false);
      const later = [1, 2, 3].map((i) => producer.send({ topic: 'gather', messages: [{ value: `later ${i}` }] }));
      const offsets = (await Promise.all([first, ...later])).map(([m]) => m.offset);
      expect(offsets).toEqual([1, 2, 3, 4]);
      const { data } = await broker.store.readBatches('gather', 0, { offset: 0, maxBytes: 1 << 20 });
      const batches = [...iterateBatches(data)].map(({ header }) => header.lastOffsetDelta + 1);
      expect(batches).toEqual([1, 1, 3]);
      await producer.close();
    } finally {
      await client.close();
      await broker.close();
    }
  });

  it('with lingerMs 0 a send is written before the turn is over, with the records sent meanwhile in its batch', async () => {
    await withClient(async (client, broker) => {
      await client.admin().createTopic('now');
      const producer = client.producer({ lingerMs: 0 });
      await producer.send({ topic: 'now', messages: [{ value: 'warm-up' }] }); // metadata and producer id known
      await new Promise((resolve) => setTimeout(resolve, 0)); // from a timer: this turn ends with its check phase
      let turnOver = false;
      setImmediate(() => (turnOver = true));
      // Observed, not replaced: each socket write still happens. Nothing was sent to the broker since the warm-up
      // was answered, so the first write of this turn is the producer's.
      const writes: boolean[] = [];
      const originalWrite = net.Socket.prototype.write;
      const write = vi.spyOn(net.Socket.prototype, 'write').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
        writes.push(turnOver);
        return Reflect.apply(originalWrite, this, args) as boolean;
    });
    const sends = ['a', 'b'].map((value) => producer.send({ topic: 'now', messages: [{ value }] }));
    const offsets = (await Promise.all(sends)).map(([m]) => m.offset);
    write.mockRestore();
    expect(writes[0]).toBe(false);
    expect(offsets).toEqual([1, 2]);
    const { data } = await broker.store.readBatches('now', 0, { offset: 1, maxBytes: 1 << 20 });
    expect([...iterateBatches(data)].map(({ header }) => header.lastOffsetDelta + 1)).toEqual([2]);
    await producer.close();
    });
  });
});
