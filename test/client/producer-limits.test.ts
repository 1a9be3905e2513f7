// The producer within limits: batches sized to each topic's maxBatchBytes, and a buffer that bounds memory
// however many sends are left unawaited.
import { isKlogError } from '@klog/client';
import { afterAll, describe, expect, it } from 'vitest';
import { consumeAll, removeTempDirs, withClient } from '../broker/fixture.js';
import { fuzzSeed } from '../reliability/fuzz-seed.js';

afterAll(removeTempDirs);

const KiB = 1024;
const MiB = 1024 * KiB;

describe('producer batch limits', () => {
  it('splits batches to fit a topic whose maxBatchBytes is below the producer batchBytes', async () => {
    await withClient(async (client) => {
      // segmentBytes 64 KiB makes the topic's maxBatchBytes 64 KiB too; the producer's default batchBytes is 512 KiB.
      await client.admin().createTopic('small-batches', { partitions: 2, segmentBytes: 64 * KiB });
      const producer = client.producer({ lingerMs: 20 });
      const count = 100_000;
      const acks = await producer.send({
        topic: 'small-batches',
        messages: Array.from({ length: count }, (_, i) => ({ key: `k${i % 13}`, value: `value number ${i}` })),
      });
      await producer.close();
      expect(acks).toHaveLength(count);
      const ends = await client.admin().fetchOffsets('small-batches');
      expect(ends.reduce((sum, p) => sum + p.offset, 0)).toBe(count);
    });
  });

  it('rejects a record larger than the topic maxBatchBytes with its size and the limit, buffering none of the send', async () => {
    await withClient(async (client) => {
      await client.admin().createTopic('limited', { partitions: 1, segmentBytes: 64 * KiB });
      const producer = client.producer();
      const err = await producer.send({
        topic: 'limited',
        messages: [{ value: 'fits' }, { value: Buffer.alloc(70 * KiB, 1) }],
      }).catch((e: unknown) => e);
      expect(isKlogError(err, 'RECORD_TOO_LARGE')).toBe(true);
      expect((err as Error).message).toMatch(/record too large \(\d+ bytes, limit 65536\)/);
      // A record just under the limit still goes, alone in its batch.
      await producer.send({ topic: 'limited', messages: [{ value: Buffer.alloc(64 * KiB - 200, 2) }] });
      await producer.close();
      expect(await client.admin().fetchOffsets('limited')).toEqual([{ partition: 0, offset: 1 }]);
    });
  });
});

describe('producer input', () => {
  it('a malformed send is a rejected promise with a typed error, never a throw, and buffers nothing', async () => {
    await withClient(async (client) => {
      await client.admin().createTopic('input', { partitions: 1 });
      const producer = client.producer();
      await producer.send({ topic: 'input', messages: [{ value: 'warm' }] }); // the topic is known: the fast path
      const bad: unknown[] = [undefined, {}, { topic: 'input' }, { topic: 'input', messages: 'x' }, { topic: 'input', messages: [null] }];
      for (const request of bad) {
        let sent: Promise<unknown> | undefined;
        expect(() => (sent = producer.send(request as never))).not.toThrow();
        const err = await sent!.catch((e: unknown) => e);
        expect(isKlogError(err, 'INVALID_RECORD'), String(err)).toBe(true);
      }
      await producer.close();
      expect(await client.admin().fetchOffsets('input')).toEqual([{ partition: 0, offset: 1 }]);
    });
  });
});

describe('producer back-pressure', () => {
  it('unawaited sends of mixed sizes that wait for buffer room land in the log in the order they were sent', async () => {
    await withClient(async (client) => {
      await client.admin().createTopic('ordered', { partitions: 1 });
      const producer = client.producer({ bufferBytes: 4 * KiB });
      const count = 2_000;
      // Sizes vary so that a small record could squeeze into room a larger one ahead of it is waiting for.
      const value = (i: number) => `${i}:`.padEnd(10 + ((i * 397) % 1_500), 'x');
      const sends = Array.from({ length: count }, (_, i) => producer.send({ topic: 'ordered', messages: [{ partition: 0, value: value(i) }] }));
      const acks = await Promise.all(sends);
      await producer.close();
      expect(acks.map(([a]) => a.offset)).toEqual(Array.from({ length: count }, (_, i) => i));
      const stored = await consumeAll(client, 'ordered', 1, count);
      expect(stored.map((m) => (m.value as Buffer).toString())).toEqual(Array.from({ length: count }, (_, i) => value(i)));
    });
  });

  it('unawaited sends keep their order while the topic\'s metadata goes stale and is fetched again between them', async () => {
    await withClient(async (client) => {
      await client.admin().createTopic('stale-order', { partitions: 1 });
      // Metadata older than 1 ms is asked for again, so some sends wait for a lookup while others find it cached;
      // the gaps (microtasks, timers, earlier sends' answers) put later sends in every position relative to a lookup's
      // answer.
      const producer = client.producer({ metadataMaxAgeMs: 1 });
      const seed = fuzzSeed();
      let state = seed >>> 0;
      const random = (n: number) => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) % n);
      const count = 3_000;
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < count; i++) {
        sends.push(producer.send({ topic: 'stale-order', messages: [{ value: String(i) }] }));
        const gap = random(8);
        if (gap === 1) for (let k = random(12); k > 0; k--) await Promise.resolve();
        else if (gap === 2 && i % 20 === 0) await new Promise((r) => setTimeout(r, 2));
        // Woken by an earlier send's answer, which may arrive together with the answer to a later send's lookup.
        else if (gap === 3 && i > 3) await sends[i - 2 - random(3)];
      }
      await Promise.all(sends);
      await producer.close();
      const stored = await consumeAll(client, 'stale-order', 1, count);
      expect(stored.map((m) => Number((m.value as Buffer).toString())), `seed ${seed} (replay: KLOG_FUZZ_SEED=${seed} npx vitest run test/client/producer-limits.test.ts)`).toEqual(Array.from({ length: count }, (_, i) => i));
    });
  });

  it('200k unawaited sends of small records all complete, with memory bounded near the buffer size', async () => {
    await withClient(async (client) => {
      await client.admin().createTopic('many-sends', { partitions: 1 });
      const producer = client.producer({ bufferBytes: 1 * MiB });
      await producer.send({ topic: 'many-sends', messages: [{ value: 'warm-up' }] });
      global.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
      const count = 200_000;
      let acknowledged = 0;
      const sends: Promise<void>[] = [];
      for (let i = 0; i < count; i++) {
        sends.push(producer.send({ topic: 'many-sends', messages: [{ value: `v${i}` }] }).then(() => void acknowledged++));
      }
      await Promise.all(sends);
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      await producer.close();
      expect(acknowledged).toBe(count);
      expect(await client.admin().fetchOffsets('many-sends')).toEqual([{ partition: 0, offset: count + 1 }]);
      // The pending sends themselves cost memory (a promise and a message each); what must not happen is every
      // waiting send being let into the buffer at once.
      expect(peak - before).toBeLessThan(768 * MiB);
    });
  });
});
