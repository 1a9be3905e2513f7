// Idempotent produce: the same batch (same producer id and sequence) sent twice is stored once and both answers
// name the same base offset — also when the broker restarted between the two sends.
import { encodeBatch } from '@klog/log-core';
import { afterAll, describe, expect, it } from 'vitest';
import { RawConnection, removeTempDirs, startTestBroker, tempDir, type Frame } from './fixture.js';

afterAll(removeTempDirs);

function producePartition(answer: Frame): Frame {
  return (answer.topics as { partitions: Frame[] }[])[0].partitions[0];
}

async function produceBatch(raw: RawConnection, batch: Buffer): Promise<Frame> {
  const res = await raw.request('produce', { acks: 1, topics: [{ topic: 'idem', partitions: [{ partition: 0, batch }] }] });
  return producePartition(res);
}

describe('idempotent producer retries', () => {
  it('stores a resent batch once and answers both sends with the same offsets, across a broker restart', async () => {
    const dataDir = tempDir();
    let broker = await startTestBroker({ dataDir });
    let raw = await RawConnection.open(broker.port);
    try {
      await raw.request('createTopics', { topics: [{ name: 'idem', partitions: 1 }] });
      // Something before it, so the batch's base offset is not trivially 0.
      const other = await produceBatch(raw, encodeBatch([{ value: Buffer.from('plain') }]));
      expect(other).toMatchObject({ baseOffset: 0, lastOffset: 0 });

      const { producerId, producerEpoch } = await raw.request('initProducerId') as { producerId: number; producerEpoch: number };
      const records = Array.from({ length: 5 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) }));
      const batch = encodeBatch(records, { producerId, producerEpoch, baseSequence: 0 });

      const first = await produceBatch(raw, Buffer.from(batch));
      expect(first).toMatchObject({ baseOffset: 1, lastOffset: 5 });
      const second = await produceBatch(raw, Buffer.from(batch));
      expect(second).toMatchObject({ baseOffset: 1, lastOffset: 5 });
      expect(second.errorCode).toBeUndefined();
      expect(broker.store.logEndOffset('idem', 0)).toBe(6);

      raw.destroy();
      const { port } = broker;
      await broker.close();
      broker = await startTestBroker({ dataDir, port });
      raw = await RawConnection.open(broker.port);

      const third = await produceBatch(raw, Buffer.from(batch));
      expect(third).toMatchObject({ baseOffset: 1, lastOffset: 5 });
      expect(broker.store.logEndOffset('idem', 0)).toBe(6);
      // The next sequence is still accepted after the restart, and appended.
      const next = await produceBatch(raw, encodeBatch([{ value: Buffer.from('v5') }], { producerId, producerEpoch, baseSequence: 5 }));
      expect(next).toMatchObject({ baseOffset: 6, lastOffset: 6 });
      const stored = await broker.store.read('idem', 0, { offset: 0 });
      expect(stored.records.map((r) => r.value?.toString())).toEqual(['plain', 'v0', 'v1', 'v2', 'v3', 'v4', 'v5']);
      // A fresh producer id is never one handed out before the restart.
      const again = await raw.request('initProducerId') as { producerId: number };
      expect(again.producerId).not.toBe(producerId);
    } finally {
      raw.destroy();
      await broker.close();
    }
  });
});
