import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeBatch } from '../src/batch/record-batch.js';
import type { LogStore } from '../src/log-store.js';
import { partitionForKey } from '../src/partitioner.js';
import type { RecordInput } from '../src/types.js';
import { bytes, expectKlogError, openStore, plain, readAll, removeTempDirs, tempDir } from './store-fixture.js';

const open: LogStore[] = [];
async function store(dir = tempDir(), opts = {}): Promise<LogStore> {
  const s = await openStore(dir, opts);
  open.push(s);
  return s;
}

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  removeTempDirs();
});

const T0 = 1_700_000_000_000;

function records(n: number, from = 0): RecordInput[] {
  return Array.from({ length: n }, (_, i) => ({
    key: i % 3 === 0 ? null : bytes(`k${from + i}`),
    value: bytes(`value-${from + i}`),
    timestamp: T0 + from + i,
    headers: i % 2 === 0 ? [{ key: 'h', value: bytes(`${i}`) }, { key: 'nil', value: null }] : [],
  }));
}

describe('topics', () => {
  it.each(['', '.', '..', 'a/b', 'x'.repeat(250), 'sp ace', 'ü'])('rejects the topic name %j', async (name) => {
    const s = await store();
    await expectKlogError(s.createTopic(name), 'INVALID_TOPIC_NAME');
    expect(s.listTopics()).toEqual([]);
  });

  it('accepts a 249-character name of the allowed characters', async () => {
    const s = await store();
    const name = 'a.B_c-9'.repeat(36).slice(0, 249);
    await s.createTopic(name);
    expect(s.listTopics()).toEqual([name]);
  });

  it.each([0, -1, 1.5])('rejects %d partitions as INVALID_CONFIG', async (partitions) => {
    const s = await store();
    await expectKlogError(s.createTopic('t', { partitions }), 'INVALID_CONFIG');
    expect(s.hasTopic('t')).toBe(false);
  });

  it('rejects a second topic of the same name', async () => {
    const s = await store();
    await s.createTopic('t');
    await expectKlogError(s.createTopic('t'), 'TOPIC_EXISTS');
  });

  it('reports unknown topics and partitions', async () => {
    const s = await store();
    await s.createTopic('t', { partitions: 2 });
    await expectKlogError(s.append('nope', [{ value: bytes('x') }]), 'UNKNOWN_TOPIC');
    await expectKlogError(s.read('nope', 0, { offset: 0 }), 'UNKNOWN_TOPIC');
    await expectKlogError(s.deleteTopic('nope'), 'UNKNOWN_TOPIC');
    for (const p of [2, -1, 1.5]) {
      await expectKlogError(s.read('t', p, { offset: 0 }), 'UNKNOWN_PARTITION');
      await expectKlogError(s.append('t', [{ value: bytes('x') }], { partition: p }), 'UNKNOWN_PARTITION');
    }
  });

  it('keeps topics and their configs across a reopen', async () => {
    const dir = tempDir();
    const first = await openStore(dir);
    await first.createTopic('a', { partitions: 3, retentionBytes: 50_000, segmentBytes: 4096, maxBatchBytes: 4096 });
    await first.createTopic('b');
    await first.append('a', records(5), { partition: 2 });
    const configs = { a: first.describeTopic('a').config, b: first.describeTopic('b').config };
    await first.close();

    const s = await store(dir);
    expect(s.listTopics()).toEqual(['a', 'b']);
    expect(s.describeTopic('a').config).toEqual(configs.a);
    expect(s.describeTopic('b').config).toEqual(configs.b);
    expect(s.describeTopic('a').partitions.map((p) => p.logEndOffset)).toEqual([0, 0, 5]);
  });

  it('deleteTopic removes the directories and the name can be used again', async () => {
    const dir = tempDir();
    const s = await store(dir);
    await s.createTopic('t', { partitions: 2 });
    await s.append('t', records(10), { partition: 1 });
    await s.deleteTopic('t');
    expect(s.hasTopic('t')).toBe(false);
    expect(existsSync(join(dir, 't-0'))).toBe(false);
    expect(existsSync(join(dir, 't-1'))).toBe(false);

    await s.createTopic('t', { partitions: 3 });
    expect(s.describeTopic('t').partitions.map((p) => [p.logStartOffset, p.logEndOffset])).toEqual([[0, 0], [0, 0], [0, 0]]);
    const acks = await s.append('t', records(2), { partition: 1 });
    expect(acks.map((a) => a.offset)).toEqual([0, 1]);
  });

  it('fails every call once closed', async () => {
    const s = await openStore(tempDir());
    await s.createTopic('t');
    await s.close();
    await expectKlogError(s.append('t', [{ value: bytes('x') }]), 'STORE_CLOSED');
    await expectKlogError(s.createTopic('u'), 'STORE_CLOSED');
    await expectKlogError(s.read('t', 0, { offset: 0 }), 'STORE_CLOSED');
  });
});

describe('append', () => {
  it('acknowledges in input order with dense offsets, and reads back what was written', async () => {
    const s = await store();
    await s.createTopic('t');
    const first = records(30);
    const second = records(20, 30);
    const acks1 = await s.append('t', first);
    const acks2 = await s.append('t', second);
    expect([...acks1, ...acks2]).toEqual(Array.from({ length: 50 }, (_, i) => ({ partition: 0, offset: i })));
    const back = await readAll(s, 't');
    expect(back.map(plain)).toEqual([...first, ...second].map((r, i) => plain({ ...r, offset: i })));
  });

  it('puts keyed records on partitionForKey(key, n) and acks each where it went', async () => {
    const s = await store();
    await s.createTopic('t', { partitions: 5 });
    const input = Array.from({ length: 60 }, (_, i) => ({ key: bytes(`key-${i}`), value: bytes(`v${i}`) }));
    const acks = await s.append('t', input);
    const next = [0, 0, 0, 0, 0];
    acks.forEach((ack, i) => {
      expect(ack.partition).toBe(partitionForKey(input[i].key, 5));
      expect(ack.offset).toBe(next[ack.partition]++); // dense per partition, in input order
    });
    for (let p = 0; p < 5; p++) {
      const back = await readAll(s, 't', p);
      const expected = input.filter((_, i) => acks[i].partition === p);
      expect(back.map((r) => r.value?.toString())).toEqual(expected.map((r) => r.value.toString()));
    }
  });

  it('sends one call of keyless records to one partition', async () => {
    const s = await store();
    await s.createTopic('t', { partitions: 4 });
    const acks = await s.append('t', records(12).map((r) => ({ ...r, key: null })));
    expect(new Set(acks.map((a) => a.partition)).size).toBe(1);
    expect(acks.map((a) => a.offset)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('splits a call larger than maxBatchBytes into several batches', async () => {
    const s = await store();
    await s.createTopic('t', { maxBatchBytes: 1024, segmentBytes: 1024 * 1024 });
    const input = Array.from({ length: 40 }, (_, i) => ({ value: Buffer.alloc(100, i) }));
    const acks = await s.append('t', input);
    expect(acks.map((a) => a.offset)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const raw = await s.readBatches('t', 0, { offset: 0, maxBytes: 1 << 20 });
    expect(raw.data.length).toBeGreaterThan(4 * 1024); // several batches, each within the limit
    expect((await readAll(s, 't')).map((r) => r.value)).toEqual(input.map((r) => r.value));
  });

  it('rejects a record larger than maxBatchBytes and appends nothing of that call', async () => {
    const s = await store();
    await s.createTopic('t', { maxBatchBytes: 1024, partitions: 2 });
    await expectKlogError(s.append('t', [{ value: Buffer.alloc(2000) }]), 'RECORD_TOO_LARGE');
    await expectKlogError(s.append('t', [
      { key: bytes('a'), value: bytes('small') },
      { key: bytes('b'), value: bytes('small') },
      { key: bytes('c'), value: Buffer.alloc(2000) },
    ]), 'RECORD_TOO_LARGE');
    expect(s.describeTopic('t').partitions.map((p) => p.logEndOffset)).toEqual([0, 0]);
  });

  it('rejects records whose fields are not bytes', async () => {
    const s = await store();
    await s.createTopic('t');
    const bad = [
      [{ value: 'text' }],
      [{ key: 'k', value: bytes('v') }],
      [{ value: bytes('v'), headers: [{ key: 'h', value: 'x' }] }],
      [{ value: bytes('v'), headers: 'x' }],
      [null],
      [],
    ] as unknown as RecordInput[][];
    for (const input of bad) await expectKlogError(s.append('t', input), 'INVALID_RECORD');
    expect(s.logEndOffset('t', 0)).toBe(0);
  });

  it('stores null keys, null values and null header values', async () => {
    const s = await store();
    await s.createTopic('t');
    await s.append('t', [{ key: null, value: null, timestamp: T0, headers: [{ key: 'x', value: null }] }]);
    const [r] = (await s.read('t', 0, { offset: 0 })).records;
    expect(plain(r)).toEqual({ offset: 0, key: null, value: null, timestamp: T0, headers: [{ key: 'x', value: null }] });
  });

  it('takes records without a timestamp at the store clock', async () => {
    const s = await store(tempDir(), { now: () => T0 + 42 });
    await s.createTopic('t');
    await s.append('t', [{ value: bytes('v') }]);
    expect((await s.read('t', 0, { offset: 0 })).records[0].timestamp).toBe(T0 + 42);
  });
});

describe('appendBatch (the broker path)', () => {
  it('assigns offsets to an encoded batch and stores it byte for byte', async () => {
    const s = await store();
    await s.createTopic('t');
    await s.append('t', records(3));
    const batch = encodeBatch(records(4, 3), { now: T0 });
    const copy = Buffer.from(batch);
    expect(await s.appendBatch('t', 0, batch)).toEqual({ baseOffset: 3, lastOffset: 6 });
    const raw = await s.readBatches('t', 0, { offset: 3 });
    expect(raw.data.subarray(8)).toEqual(copy.subarray(8)); // all but the base offset, which the log assigned
    expect(raw.data.readBigInt64BE(0)).toBe(3n);
    expect((await readAll(s, 't')).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('rejects a batch whose CRC does not match and appends nothing', async () => {
    const s = await store();
    await s.createTopic('t');
    const batch = encodeBatch(records(4), { now: T0 });
    batch[batch.length - 1] ^= 0xff;
    await expectKlogError(s.appendBatch('t', 0, batch), 'CORRUPT_BATCH');
    expect(s.logEndOffset('t', 0)).toBe(0);
    expect(s.describeTopic('t').partitions[0].sizeBytes).toBe(0);
  });

  it('rejects trailing bytes after the batch, and a batch over maxBatchBytes', async () => {
    const s = await store();
    await s.createTopic('t', { maxBatchBytes: 512 });
    const batch = encodeBatch(records(2), { now: T0 });
    await expectKlogError(s.appendBatch('t', 0, Buffer.concat([batch, Buffer.alloc(5)])), 'INVALID_BATCH');
    await expectKlogError(s.appendBatch('t', 0, encodeBatch([{ value: Buffer.alloc(600) }])), 'RECORD_TOO_LARGE');
    expect(s.logEndOffset('t', 0)).toBe(0);
  });
});

describe('read', () => {
  it('answers OFFSET_OUT_OF_RANGE below the start and above the end, and nothing at the end', async () => {
    const s = await store();
    await s.createTopic('t');
    await s.append('t', records(10));
    await expectKlogError(s.read('t', 0, { offset: 11 }), 'OFFSET_OUT_OF_RANGE');
    await expectKlogError(s.read('t', 0, { offset: -1 }), 'OFFSET_OUT_OF_RANGE');
    await expectKlogError(s.read('t', 0, { offset: 2.5 }), 'OFFSET_OUT_OF_RANGE');
    expect(await s.read('t', 0, { offset: 10 })).toEqual({ records: [], nextOffset: 10, highWatermark: 10, logStartOffset: 0 });
    await s.deleteRecordsBefore('t', 0, 4);
    await expectKlogError(s.read('t', 0, { offset: 3 }), 'OFFSET_OUT_OF_RANGE');
    const res = await s.read('t', 0, { offset: 4 });
    expect(res.records[0].offset).toBe(4);
    expect(res.logStartOffset).toBe(4);
  });

  it('returns at least one whole batch however small the budget', async () => {
    const s = await store();
    await s.createTopic('t');
    await s.append('t', records(5));
    await s.append('t', records(5, 5));
    const res = await s.read('t', 0, { offset: 2, maxBytes: 1 });
    expect(res.records.map((r) => r.offset)).toEqual([2, 3, 4]);
    expect(res.nextOffset).toBe(5);
  });
});

describe('maxTimestampRecord', () => {
  it('finds the first record with the largest timestamp across segments, or null for an empty partition', async () => {
    const s = await store();
    await s.createTopic('t', { segmentBytes: 1024, maxBatchBytes: 1024, retentionMs: -1 });
    expect(await s.maxTimestampRecord('t', 0)).toBeNull();
    // The largest timestamp sits in an early segment, twice; later records step back in time.
    const ts = Array.from({ length: 120 }, (_, i) => (i === 30 || i === 31 ? T0 + 9000 : T0 + i));
    for (let i = 0; i < ts.length; i += 5) {
      await s.append('t', ts.slice(i, i + 5).map((t, k) => ({ value: bytes(`v${i + k}`), timestamp: t })));
    }
    expect(s.describeTopic('t').partitions[0].segments).toBeGreaterThan(2);
    expect(await s.maxTimestampRecord('t', 0)).toEqual({ offset: 30, timestamp: T0 + 9000 });
  });
});

describe('offsetForTimestamp', () => {
  it('finds the first offset whose timestamp is >= t, across segments, or null', async () => {
    const s = await store();
    await s.createTopic('t', { segmentBytes: 1024, maxBatchBytes: 1024, retentionMs: -1 });
    // Timestamps mostly rising, with repeats and a step back, as producers' clocks give them.
    const ts = Array.from({ length: 200 }, (_, i) => T0 + 10 * Math.floor(i / 2) - (i % 7 === 0 ? 25 : 0));
    for (let i = 0; i < ts.length; i += 5) {
      await s.append('t', ts.slice(i, i + 5).map((t, k) => ({ value: bytes(`v${i + k}`), timestamp: t })));
    }
    expect(s.describeTopic('t').partitions[0].segments).toBeGreaterThan(3);
    const expected = (t: number): number | null => {
      const i = ts.findIndex((x) => x >= t);
      return i < 0 ? null : i;
    };
    for (const t of [T0 - 1000, T0 - 25, T0, T0 + 1, T0 + 333, T0 + 505, T0 + 990, T0 + 995, T0 + 996, T0 + 5000]) {
      expect([t - T0, await s.offsetForTimestamp('t', 0, t)]).toEqual([t - T0, expected(t)]);
    }
  });

  it('answers from the log start offset on, not from records already deleted', async () => {
    const s = await store();
    await s.createTopic('t');
    await s.append('t', [{ value: bytes('a'), timestamp: T0 + 100 }]);
    await s.append('t', [{ value: bytes('b'), timestamp: T0 + 50 }]);
    await s.append('t', [{ value: bytes('c'), timestamp: T0 + 200 }]);
    await s.deleteRecordsBefore('t', 0, 1);
    expect(await s.offsetForTimestamp('t', 0, T0 + 100)).toBe(2);
    expect(await s.offsetForTimestamp('t', 0, T0)).toBe(1);
    expect(await s.offsetForTimestamp('t', 0, T0 + 201)).toBeNull();
  });
});

describe('tail and waitForAppend', () => {
  it('tail yields the existing records, then new ones, and stops on abort', async () => {
    const s = await store();
    await s.createTopic('t');
    await s.append('t', records(3));
    const ac = new AbortController();
    const seen: number[] = [];
    const done = (async () => {
      for await (const r of s.tail('t', 0, { offset: 1, signal: ac.signal })) {
        seen.push(r.offset);
        if (r.offset === 2) await s.append('t', records(2, 3));
        if (r.offset === 4) ac.abort();
      }
    })();
    await done;
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('tail waits at the end until an append, and ends when aborted while waiting', async () => {
    const s = await store();
    await s.createTopic('t');
    const ac = new AbortController();
    const it = s.tail('t', 0, { offset: 0, signal: ac.signal });
    const first = it.next();
    await s.append('t', records(1));
    expect((await first).value?.offset).toBe(0);
    const second = it.next();
    ac.abort();
    expect(await second).toEqual({ done: true, value: undefined });
  });

  it('tail ends when the store closes', async () => {
    const s = await openStore(tempDir());
    await s.createTopic('t');
    const next = s.tail('t', 0, { offset: 0 }).next();
    await s.close();
    expect((await next).done).toBe(true);
  });

  it('waitForAppend wakes on an append past the offset, and resolves on timeout without one', async () => {
    const s = await store();
    await s.createTopic('t');
    await s.append('t', records(2));
    let woke = false;
    const waiting = s.waitForAppend('t', 0, 2, 60_000).then(() => {
      woke = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(woke).toBe(false);
    await s.append('t', records(1, 2));
    await waiting;
    expect(woke).toBe(true);

    await s.waitForAppend('t', 0, 3, 5); // nothing comes: the timeout ends the wait
    expect(s.logEndOffset('t', 0)).toBe(3);
    await s.waitForAppend('t', 0, 2, 60_000); // already past: resolves at once
  });

  it('waitForAppend resolves on abort', async () => {
    const s = await store();
    await s.createTopic('t');
    const ac = new AbortController();
    const waiting = s.waitForAppend('t', 0, 0, 60_000, ac.signal);
    ac.abort();
    await waiting;
    expect(s.logEndOffset('t', 0)).toBe(0);
  });
});
