import { afterEach, describe, expect, it } from 'vitest';
import { encodeBatch } from '../src/batch/record-batch.js';
import type { LogStore } from '../src/log-store.js';
import { crashCopy, expectKlogError, openStore, readAll, removeTempDirs, tempDir } from './store-fixture.js';

const open: LogStore[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  removeTempDirs();
});

async function store(dir: string): Promise<LogStore> {
  const s = await openStore(dir);
  open.push(s);
  return s;
}

/** A batch of `count` records from producer 7, as a client would send it (a fresh buffer each time). */
function producerBatch(baseSequence: number, count = 3, producerEpoch = 0): Buffer {
  const records = Array.from({ length: count }, (_, i) => ({ value: Buffer.from(`seq-${baseSequence + i}`) }));
  return encodeBatch(records, { producerId: 7, producerEpoch, baseSequence, now: 1_700_000_000_000 });
}

describe('idempotent producer', () => {
  it('answers a re-sent batch with its original offsets and stores it once', async () => {
    const s = await store(tempDir());
    await s.createTopic('t');
    await s.append('t', [{ value: Buffer.from('before') }]);
    const first = await s.appendBatch('t', 0, producerBatch(0));
    expect(first).toEqual({ baseOffset: 1, lastOffset: 3 });
    expect(await s.appendBatch('t', 0, producerBatch(0))).toEqual(first);
    expect(s.logEndOffset('t', 0)).toBe(4);

    expect(await s.appendBatch('t', 0, producerBatch(3))).toEqual({ baseOffset: 4, lastOffset: 6 });
    expect(await s.appendBatch('t', 0, producerBatch(0))).toEqual(first); // still remembered
    expect((await readAll(s, 't')).map((r) => r.value?.toString())).toEqual(
      ['before', 'seq-0', 'seq-1', 'seq-2', 'seq-3', 'seq-4', 'seq-5']);
  });

  it('rejects a sequence gap and a re-sent batch that is not one it appended', async () => {
    const s = await store(tempDir());
    await s.createTopic('t');
    await s.appendBatch('t', 0, producerBatch(0));
    await expectKlogError(s.appendBatch('t', 0, producerBatch(5)), 'OUT_OF_ORDER_SEQUENCE');
    await expectKlogError(s.appendBatch('t', 0, producerBatch(1)), 'OUT_OF_ORDER_SEQUENCE'); // overlaps, not equal
    await expectKlogError(s.appendBatch('t', 0, producerBatch(1, 3, 1)), 'OUT_OF_ORDER_SEQUENCE'); // new epoch starts at 0
    expect(s.logEndOffset('t', 0)).toBe(3);
    expect(await s.appendBatch('t', 0, producerBatch(3))).toEqual({ baseOffset: 3, lastOffset: 5 });
  });

  it('fences an older epoch once a newer one has written', async () => {
    const s = await store(tempDir());
    await s.createTopic('t');
    await s.appendBatch('t', 0, producerBatch(0, 2, 0));
    expect(await s.appendBatch('t', 0, producerBatch(0, 2, 1))).toEqual({ baseOffset: 2, lastOffset: 3 });
    await expectKlogError(s.appendBatch('t', 0, producerBatch(2, 2, 0)), 'INVALID_PRODUCER_EPOCH');
    expect(s.logEndOffset('t', 0)).toBe(4);
  });

  it('recognises a retry of the last batch after a clean reopen and after a crash', async () => {
    const dir = tempDir();
    const s = await openStore(dir);
    await s.createTopic('t');
    await s.appendBatch('t', 0, producerBatch(0));
    const last = await s.appendBatch('t', 0, producerBatch(3));
    const crashed = crashCopy(dir);
    await s.close();

    for (const d of [dir, crashed]) {
      const again = await store(d);
      expect(await again.appendBatch('t', 0, producerBatch(3))).toEqual(last);
      expect(again.logEndOffset('t', 0)).toBe(6);
      await expectKlogError(again.appendBatch('t', 0, producerBatch(7)), 'OUT_OF_ORDER_SEQUENCE');
      expect(await again.appendBatch('t', 0, producerBatch(6))).toEqual({ baseOffset: 6, lastOffset: 8 });
    }
  });

  it('keeps pipelined batches of a reopened partition in sequence', async () => {
    const dir = tempDir();
    const first = await openStore(dir);
    await first.createTopic('t');
    await first.appendBatch('t', 0, producerBatch(0));
    await first.close();

    const s = await store(dir);
    // Sent back to back without waiting, as a producer with several requests in flight does.
    const acks = await Promise.all(Array.from({ length: 10 }, (_, i) => s.appendBatch('t', 0, producerBatch(3 + 3 * i))));
    expect(acks).toEqual(Array.from({ length: 10 }, (_, i) => ({ baseOffset: 3 + 3 * i, lastOffset: 5 + 3 * i })));
  });
});
