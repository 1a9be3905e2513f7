// Pipelining: many requests written back to back on one connection, without waiting, are all answered, in the
// order they were sent — even when an early one (a long-poll) finishes after the later ones.
import { encodeFrame } from '@klog/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { RawConnection, removeTempDirs, startTestBroker } from './fixture.js';

afterAll(removeTempDirs);

describe('pipelining', () => {
  it('answers 500 requests written in one go in the order of their correlation ids', async () => {
    const broker = await startTestBroker();
    const raw = await RawConnection.open(broker.port);
    try {
      await raw.request('createTopics', { topics: [{ name: 'pipe', partitions: 3 }] });
      const frames: Buffer[] = [];
      const ids: number[] = [];
      for (let i = 0; i < 500; i++) {
        const correlationId = 1000 + i * 7; // not consecutive: the broker must echo, not count
        ids.push(correlationId);
        const kind = i % 4;
        const body =
          kind === 0 ? { api: 'fetch', maxWaitMs: 100 - (i % 100), topics: [{ topic: 'pipe', partitions: [{ partition: i % 3, offset: 0 }] }] }
            : kind === 1 ? { api: 'apiVersions' }
              : kind === 2 ? { api: 'metadata', topics: ['pipe'] }
                : { api: 'listOffsets', topics: [{ topic: 'pipe', partitions: [{ partition: 0, timestamp: -1 }] }] };
        frames.push(encodeFrame({ version: 0, correlationId, ...body }));
      }
      raw.write(Buffer.concat(frames));
      const got: number[] = [];
      for (let i = 0; i < ids.length; i++) {
        const answer = await raw.next();
        expect(answer).not.toBeNull();
        expect(answer!.errorCode).toBeUndefined();
        got.push(answer!.correlationId as number);
      }
      expect(got).toEqual(ids);
    } finally {
      raw.destroy();
      await broker.close();
    }
  });
});
