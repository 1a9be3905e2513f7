import { decodeBatch, encodeBatch, iterateBatches } from '@klog/log-core';
import { APIS } from '@klog/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openHandlers, type HandlerBench } from './handler-fixture.js';

let h: HandlerBench;
beforeEach(async () => {
  h = await openHandlers({ autoCreateTopics: false });
});
afterEach(async () => {
  await h.close();
});

const batch = (...values: string[]) => encodeBatch(values.map((v) => ({ value: Buffer.from(v) })));

describe('apiVersions and initProducerId', () => {
  it('lists every api this broker speaks', async () => {
    const res = await h.call('apiVersions', {});
    expect(res!.protocol).toBe('klog');
    expect(res!.apis.map((a) => a.api)).toContain('produce');
    expect(res!.apis.map((a) => a.api).sort()).toEqual(Object.keys(APIS).sort());
  });

  it('lists only the configured apis (and always apiVersions)', async () => {
    const narrow = await openHandlers({ apiVersions: { fetch: { min: 0, max: 9 }, produce: { min: 3, max: 4 } } });
    try {
      expect((await narrow.call('apiVersions', {}))!.apis).toEqual([
        { api: 'apiVersions', minVersion: 0, maxVersion: 0 }, { api: 'fetch', minVersion: 0, maxVersion: 0 },
      ]);
    } finally {
      await narrow.close();
    }
  });

  it('hands out a different producer id each time', async () => {
    const a = await h.call('initProducerId', {});
    const b = await h.call('initProducerId', {});
    expect(a!.producerId).not.toBe(b!.producerId);
    expect(a!.producerEpoch).toBe(0);
  });
});

describe('createTopics, deleteTopics and metadata', () => {
  it('creates topics with their settings, each with its own result', async () => {
    const res = await h.call('createTopics', { topics: [
      { name: 'orders', partitions: 3, config: { retentionMs: 60_000 } },
      { name: 'orders' },
      { name: '__mine' },
      { name: 'odd', config: { colour: 1 } },
    ] });
    expect(res!.topics.map((t) => t.errorCode)).toEqual([undefined, 'TOPIC_EXISTS', 'INVALID_TOPIC_NAME', 'INVALID_CONFIG']);
    expect(res!.topics[3].errorMessage).toContain('unknown topic setting "colour"');
    expect(h.ctx.store.describeTopic('orders').partitions).toHaveLength(3);
  });

  it('describes all topics, or the named ones with an error for those that do not exist', async () => {
    await h.call('createTopics', { topics: [{ name: 'a', partitions: 2 }] });
    await h.call('produce', { topics: [{ topic: 'a', partitions: [{ partition: 1, batch: batch('x', 'y') }] }] });
    const all = await h.call('metadata', {});
    expect(all!.brokers).toEqual([{ nodeId: 0, host: '127.0.0.1', port: 7420 }]);
    expect(all!.topics.find((t) => t.name === '__consumer_offsets')?.internal).toBe(true);
    expect(all!.topics.filter((t) => !t.internal)).toEqual([{ name: 'a', internal: false, partitions: [
      { partition: 0, logStartOffset: 0, logEndOffset: 0 }, { partition: 1, logStartOffset: 0, logEndOffset: 2 },
    ] }]);
    const named = await h.call('metadata', { topics: ['nope'] });
    expect(named!.topics[0]).toMatchObject({ name: 'nope', partitions: [], errorCode: 'UNKNOWN_TOPIC' });
  });

  it('creates a named topic on metadata only when asked to and the broker auto-creates', async () => {
    const auto = await openHandlers({ autoCreateTopics: true });
    try {
      expect((await auto.call('metadata', { topics: ['t'] }))!.topics[0].errorCode).toBe('UNKNOWN_TOPIC');
      expect((await auto.call('metadata', { topics: ['t'], allowAutoCreate: true }))!.topics[0].errorCode).toBeUndefined();
      expect(auto.ctx.store.hasTopic('t')).toBe(true);
    } finally {
      await auto.close();
    }
  });

  it('alters the named settings of existing topics, keeping the others, each topic with its own result', async () => {
    await h.call('createTopics', { topics: [{ name: 'a', partitions: 2, config: { retentionMs: 60_000 } }] });
    const res = await h.call('alterTopicConfigs', { topics: [
      { name: 'a', config: { maxBatchBytes: 4 << 20 } },
      { name: 'nope', config: { maxBatchBytes: 4 << 20 } },
      { name: 'a', config: { partitions: 5 } },
      { name: 'a', config: { segmentBytes: -1 } },
    ] });
    expect(res!.topics.map((t) => t.errorCode)).toEqual([undefined, 'UNKNOWN_TOPIC', 'INVALID_CONFIG', 'INVALID_CONFIG']);
    expect(res!.topics[0].config).toMatchObject({ partitions: 2, retentionMs: 60_000, maxBatchBytes: 4 << 20 });
    expect(h.ctx.store.describeTopic('a').config).toMatchObject({ partitions: 2, retentionMs: 60_000, maxBatchBytes: 4 << 20 });
  });

  it('grows topics, refusing fewer partitions, unknown and internal topics, each topic with its own result', async () => {
    await h.call('createTopics', { topics: [{ name: 'a', partitions: 2 }] });
    const res = await h.call('createPartitions', { topics: [
      { name: 'a', count: 4 },
      { name: 'a', count: 3 },
      { name: 'nope', count: 4 },
      { name: '__consumer_offsets', count: 4 },
    ] });
    expect(res!.topics.map((t) => t.errorCode)).toEqual([undefined, 'INVALID_CONFIG', 'UNKNOWN_TOPIC', 'INVALID_TOPIC_NAME']);
    expect(res!.topics[0].partitions).toBe(4);
    expect(h.ctx.store.partitionCount('a')).toBe(4);
  });

  it('trims partitions from the front, each partition with its own result', async () => {
    await h.call('createTopics', { topics: [{ name: 'a', partitions: 2 }] });
    await h.call('produce', { acks: -1, topics: [{ topic: 'a', partitions: [{ partition: 0, batch: batch('a', 'b', 'c') }] }] });
    const res = await h.call('deleteRecords', { partitions: [
      { topic: 'a', partition: 0, beforeOffset: 2 },
      { topic: 'a', partition: 1, beforeOffset: 5 },
      { topic: 'a', partition: 9, beforeOffset: 0 },
    ] });
    expect(res!.partitions.map((p) => p.errorCode)).toEqual([undefined, 'OFFSET_OUT_OF_RANGE', 'UNKNOWN_PARTITION']);
    expect(res!.partitions[0].logStartOffset).toBe(2);
    expect(h.ctx.store.logStartOffset('a', 0)).toBe(2);
  });

  it('deletes topics, refusing internal and unknown ones', async () => {
    await h.call('createTopics', { topics: [{ name: 'a' }] });
    const res = await h.call('deleteTopics', { topics: ['a', 'a', '__consumer_offsets'] });
    expect(res!.topics.map((t) => t.errorCode)).toEqual([undefined, 'UNKNOWN_TOPIC', 'INVALID_TOPIC_NAME']);
    expect(h.ctx.store.hasTopic('a')).toBe(false);
  });
});

describe('produce, fetch and listOffsets', () => {
  beforeEach(async () => {
    await h.call('createTopics', { topics: [{ name: 't', partitions: 2 }] });
  });

  it('appends batches and answers with their offsets; errors stay with their partition', async () => {
    const res = await h.call('produce', { acks: -1, topics: [
      { topic: 't', partitions: [{ partition: 0, batch: batch('a', 'b') }, { partition: 7, batch: batch('c') }, { partition: 1, batch: Buffer.from('junk') }] },
      { topic: 'missing', partitions: [{ partition: 0, batch: batch('d') }] },
      { topic: '__consumer_offsets', partitions: [{ partition: 0, batch: batch('e') }] },
    ] });
    const [t, missing, internal] = res!.topics;
    expect(t.partitions[0]).toEqual({ partition: 0, baseOffset: 0, lastOffset: 1 });
    expect(t.partitions[1].errorCode).toBe('UNKNOWN_PARTITION');
    expect(t.partitions[2].errorCode).toMatch(/BATCH|RECORD/);
    expect(missing.partitions[0].errorCode).toBe('UNKNOWN_TOPIC');
    expect(internal.partitions[0].errorCode).toBe('INVALID_TOPIC_NAME');
  });

  it('gives no answer to acks 0, yet appends', async () => {
    expect(await h.call('produce', { acks: 0, topics: [{ topic: 't', partitions: [{ partition: 0, batch: batch('a') }] }] })).toBeNull();
    expect(h.ctx.store.logEndOffset('t', 0)).toBe(1);
  });

  it('fetches stored batches byte for byte from an offset, with the partition\'s end', async () => {
    await h.call('produce', { topics: [{ topic: 't', partitions: [{ partition: 0, batch: batch('a', 'b', 'c') }] }] });
    const res = await h.call('fetch', { maxWaitMs: 0, topics: [{ topic: 't', partitions: [{ partition: 0, offset: 1 }, { partition: 5, offset: 0 }] }] });
    const [p0, p5] = res!.topics[0].partitions;
    expect(p0).toMatchObject({ partition: 0, highWatermark: 3, logStartOffset: 0 });
    const values = [...iterateBatches(p0.records)].flatMap(({ pos }) => decodeBatch(p0.records, pos).records.map((r) => r.value!.toString()));
    expect(values).toEqual(['a', 'b', 'c']);
    expect(p5).toMatchObject({ partition: 5, errorCode: 'UNKNOWN_PARTITION' });
  });

  it('ends a long-poll early when the connection closes', async () => {
    const closed = new AbortController();
    const pending = h.call('fetch', { maxWaitMs: 60_000, topics: [{ topic: 't', partitions: [{ partition: 0, offset: 0 }] }] }, { closed: closed.signal });
    setImmediate(() => closed.abort());
    const res = await pending; // within the test's timeout, not the minute asked for
    expect(res!.topics.flatMap((t) => t.partitions).every((p) => p.records.length === 0)).toBe(true);
  });

  it('answers offsets for earliest, latest and a time, and an error for an unknown topic', async () => {
    await h.call('produce', { topics: [{ topic: 't', partitions: [{ partition: 0, batch: batch('a', 'b') }] }] });
    const res = await h.call('listOffsets', { topics: [
      { topic: 't', partitions: [{ partition: 0, timestamp: -2 }, { partition: 0 }, { partition: 0, timestamp: Date.now() + 60_000 }] },
      { topic: 'nope', partitions: [{ partition: 0 }] },
    ] });
    expect(res!.topics[0].partitions.map((p) => p.offset)).toEqual([0, 2, 2]);
    expect(res!.topics[1].partitions[0].errorCode).toBe('UNKNOWN_TOPIC');
  });
});
