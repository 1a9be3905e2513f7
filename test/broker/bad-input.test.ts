// Bad input on one connection gets a typed error (or, when the frame cannot be trusted, a closed connection),
// while the broker and a well-behaved client on another connection carry on untouched.
import { type Broker } from '@klog/broker';
import { encodeFrame } from '@klog/protocol';
import { encodeBatch } from '@klog/log-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, partitionOf, RawConnection, removeTempDirs, startTestBroker, type Frame } from './fixture.js';
import { startWellBehavedClient, type WellBehavedClient } from './well-behaved-client.js';

const MAX_FRAME = 64 * 1024;
let broker: Broker;
let good: WellBehavedClient;
const goodClient = () => clientFor(broker, 'good');
let client: ReturnType<typeof goodClient>;

beforeAll(async () => {
  broker = await startTestBroker({ maxFrameBytes: MAX_FRAME });
  client = goodClient();
  await client.admin().createTopic('t', { partitions: 2 });
  good = await startWellBehavedClient(client, 'good');
});

afterAll(async () => {
  // The last word: all this time the other client kept working.
  expect(await good.finish()).toBeGreaterThan(0);
  await client.close();
  await broker.close();
  removeTempDirs();
});

async function withRaw<T>(fn: (raw: RawConnection) => Promise<T>): Promise<T> {
  const raw = await RawConnection.open(broker.port);
  try {
    return await fn(raw);
  } finally {
    raw.destroy();
  }
}

/** After an error the connection must still answer. */
async function stillUsable(raw: RawConnection): Promise<void> {
  const res = await raw.request('apiVersions');
  expect(res.protocol).toBe('klog');
}

function producePartitions(res: Frame): Frame[] {
  return (res.topics as { partitions: Frame[] }[])[0].partitions;
}

describe('requests the broker does not know', () => {
  it('answers an unknown api with UNSUPPORTED_VERSION and keeps the connection', () => withRaw(async (raw) => {
    const res = await raw.request('transmogrify');
    expect(res).toMatchObject({ errorCode: 'UNSUPPORTED_VERSION' });
    expect(res.errorMessage).toContain('transmogrify');
    await stillUsable(raw);
  }));

  it('answers an unsupported version with UNSUPPORTED_VERSION and keeps the connection', () => withRaw(async (raw) => {
    const res = await raw.request('fetch', { topics: [] }, { version: 7 });
    expect(res).toMatchObject({ errorCode: 'UNSUPPORTED_VERSION' });
    await stillUsable(raw);
  }));

  it('does not mistake inherited object properties for apis', () => withRaw(async (raw) => {
    expect(await raw.request('constructor')).toMatchObject({ errorCode: 'UNSUPPORTED_VERSION' });
    expect(await raw.request('__proto__')).toMatchObject({ errorCode: 'UNSUPPORTED_VERSION' });
    await stillUsable(raw);
  }));
});

describe('frames that cannot be trusted close the connection', () => {
  it('malformed msgpack: an INVALID_REQUEST with no correlation id, then the connection closes', () => withRaw(async (raw) => {
    const body = Buffer.from([0xc1, 0xc1, 0xc1]); // 0xc1 is never used in msgpack
    const frame = Buffer.alloc(4 + body.length);
    frame.writeUInt32BE(body.length, 0);
    body.copy(frame, 4);
    raw.write(frame);
    expect(await raw.next()).toMatchObject({ correlationId: -1, errorCode: 'INVALID_REQUEST' });
    await raw.closed;
  }));

  it('a request without api/version/correlationId: INVALID_REQUEST, then closed', () => withRaw(async (raw) => {
    raw.write(encodeFrame({ api: 'metadata' }));
    expect(await raw.next()).toMatchObject({ correlationId: -1, errorCode: 'INVALID_REQUEST' });
    await raw.closed;
  }));

  it('a frame over maxFrameBytes: FRAME_TOO_LARGE as soon as the length arrives, then closed', () => withRaw(async (raw) => {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(MAX_FRAME + 1, 0);
    raw.write(header); // no body at all: the length alone is refused
    const res = await raw.next();
    expect(res).toMatchObject({ correlationId: -1, errorCode: 'FRAME_TOO_LARGE' });
    expect(res!.errorMessage).toContain(String(MAX_FRAME));
    await raw.closed;
  }));

  it('an empty frame (length 0) is refused as bad msgpack on that connection only: the broker keeps serving', () => withRaw(async (raw) => {
    raw.write(Buffer.alloc(4)); // the whole stream so far: no byte left to cut the empty body from
    expect(await raw.next()).toMatchObject({ correlationId: -1, errorCode: 'INVALID_REQUEST' });
    await raw.closed;
    await withRaw(async (other) => {
      expect(await other.request('apiVersions', {})).toMatchObject({ correlationId: expect.any(Number) });
    });
  }));

  it('answers what came before an oversized frame first, in order, then FRAME_TOO_LARGE and closed', () => withRaw(async (raw) => {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(MAX_FRAME + 1, 0);
    raw.write(Buffer.concat([
      encodeFrame({ api: 'apiVersions', version: 0, correlationId: 1 }),
      encodeFrame({ api: 'metadata', version: 0, correlationId: 2, topics: [] }),
      header,
    ]));
    expect((await raw.next())!.correlationId).toBe(1);
    expect((await raw.next())!.correlationId).toBe(2);
    expect(await raw.next()).toMatchObject({ correlationId: -1, errorCode: 'FRAME_TOO_LARGE' });
    await raw.closed;
  }));

  it('answers what came before a bad frame first, in order', () => withRaw(async (raw) => {
    raw.write(Buffer.concat([
      encodeFrame({ api: 'apiVersions', version: 0, correlationId: 1 }),
      encodeFrame({ api: 'fetch', version: 0, correlationId: 2, maxWaitMs: 200, topics: [{ topic: 't', partitions: [{ partition: 0, offset: 0 }] }] }),
      Buffer.from([0, 0, 0, 1, 0xc1]),
    ]));
    expect((await raw.next())!.correlationId).toBe(1);
    expect((await raw.next())!.correlationId).toBe(2);
    expect(await raw.next()).toMatchObject({ correlationId: -1, errorCode: 'INVALID_REQUEST' });
    await raw.closed;
  }));
});

describe('bad contents get typed errors per partition or per request', () => {
  it('a batch with a bad CRC: CORRUPT_BATCH for that partition, nothing appended, the other partition appended', () => withRaw(async (raw) => {
    const before = broker.store.logEndOffset('t', 0);
    const corrupt = encodeBatch([{ value: Buffer.from('hello') }, { value: Buffer.from('world') }]);
    corrupt[corrupt.length - 1] ^= 0xff; // a byte the CRC covers
    const fine = encodeBatch([{ value: Buffer.from('fine') }]);
    const res = await raw.request('produce', { acks: 1, topics: [{ topic: 't', partitions: [
      { partition: 0, batch: corrupt }, { partition: 1, batch: fine },
    ] }] });
    const [p0, p1] = producePartitions(res);
    expect(p0).toMatchObject({ partition: 0, errorCode: 'CORRUPT_BATCH' });
    expect(p1.errorCode).toBeUndefined();
    expect(typeof p1.baseOffset).toBe('number');
    expect(broker.store.logEndOffset('t', 0)).toBe(before);
    await stillUsable(raw);
  }));

  it('a batch whose length field lies: an error for the partition, nothing appended', () => withRaw(async (raw) => {
    const before = broker.store.logEndOffset('t', 0);
    const batch = encodeBatch([{ value: Buffer.from('x') }]);
    const res = await raw.request('produce', { acks: 1, topics: [{ topic: 't', partitions: [{ partition: 0, batch: batch.subarray(0, batch.length - 3) }] }] });
    expect(producePartitions(res)[0].errorCode).toMatch(/^(CORRUPT_BATCH|INVALID_BATCH)$/);
    expect(broker.store.logEndOffset('t', 0)).toBe(before);
  }));

  it('an unknown partition: UNKNOWN_PARTITION on produce, fetch and listOffsets', () => withRaw(async (raw) => {
    const produced = await raw.request('produce', { acks: 1, topics: [{ topic: 't', partitions: [{ partition: 99, batch: encodeBatch([{ value: null }]) }] }] });
    expect(producePartitions(produced)[0]).toMatchObject({ partition: 99, errorCode: 'UNKNOWN_PARTITION' });
    const fetched = await raw.request('fetch', { maxWaitMs: 0, topics: [{ topic: 't', partitions: [{ partition: 99, offset: 0 }] }] });
    expect(partitionOf(fetched, 't', 99)).toMatchObject({ errorCode: 'UNKNOWN_PARTITION' });
    const listed = await raw.request('listOffsets', { topics: [{ topic: 't', partitions: [{ partition: 99 }] }] });
    expect(producePartitions(listed)[0]).toMatchObject({ errorCode: 'UNKNOWN_PARTITION' });
  }));

  it('an offset past the end: OFFSET_OUT_OF_RANGE, not an empty answer', () => withRaw(async (raw) => {
    const fetched = await raw.request('fetch', { maxWaitMs: 0, topics: [{ topic: 't', partitions: [{ partition: 0, offset: 1_000_000 }] }] });
    expect(partitionOf(fetched, 't', 0)).toMatchObject({ errorCode: 'OFFSET_OUT_OF_RANGE' });
  }));

  it('invalid topic names: INVALID_TOPIC_NAME for each, valid ones in the same request still created', () => withRaw(async (raw) => {
    const names = ['', '.', '..', 'has space', 'slash/y', 'x'.repeat(250), '__reserved', 'ünïcode', 'fine-name'];
    const res = await raw.request('createTopics', { topics: names.map((name) => ({ name, partitions: 1 })) });
    const results = res.topics as Frame[];
    expect(results.map((r) => r.errorCode ?? 'ok')).toEqual([...names.slice(0, -1).map(() => 'INVALID_TOPIC_NAME'), 'ok']);
    const produced = await raw.request('produce', { acks: 1, topics: [{ topic: 'bad name', partitions: [{ partition: 0, batch: encodeBatch([{ value: null }]) }] }] });
    expect(producePartitions(produced)[0]).toMatchObject({ errorCode: 'INVALID_TOPIC_NAME' });
    expect(broker.store.listTopics()).not.toContain('bad name');
    // The broker's own topic is not writable: records there are replayed at start.
    const offsetsEnd = broker.store.logEndOffset('__consumer_offsets', 0);
    const internal = await raw.request('produce', { acks: 1, topics: [{ topic: '__consumer_offsets', partitions: [{ partition: 0, batch: encodeBatch([{ value: null }]) }] }] });
    expect(producePartitions(internal)[0]).toMatchObject({ errorCode: 'INVALID_TOPIC_NAME' });
    expect(broker.store.logEndOffset('__consumer_offsets', 0)).toBe(offsetsEnd);
  }));

  it.each<[string, Frame, string]>([
    ['fetch', { topics: [{ topic: 't', partitions: [{ partition: 0, offset: 'x' }] }] }, 'fetch.topics[0].partitions[0].offset'],
    ['fetch', { maxWaitMs: -5, topics: [] }, 'fetch.maxWaitMs'],
    ['fetch', { topics: 'all' }, 'fetch.topics'],
    ['produce', { topics: [{ topic: 't', partitions: [{ partition: 0, batch: 'not bytes' }] }] }, 'batch'],
    ['produce', { acks: 2, topics: [] }, 'produce.acks'],
    ['produce', { topics: [{ topic: 7, partitions: [] }] }, 'produce.topics[0].topic'],
    ['createTopics', { topics: [{ name: 'n', partitions: 'many' }] }, 'createTopics.topics[0].partitions'],
    ['listOffsets', { topics: [{ topic: 't', partitions: [{ partition: 1.5 }] }] }, 'listOffsets.topics[0].partitions[0].partition'],
    ['metadata', { topics: [1, 2] }, 'metadata.topics[0]'],
    ['joinGroup', { groupId: 'g', subscription: 'everything' }, 'joinGroup.subscription'],
    ['offsetCommit', { groupId: 'g', offsets: [{ topic: 't', partition: 0, offset: null }] }, 'offsetCommit.offsets[0].offset'],
  ])('%s with a wrong field type: INVALID_REQUEST naming the field (%j)', (api, body, field) => withRaw(async (raw) => {
    const res = await raw.request(api, body);
    const topics = (res.topics as (Frame & { partitions?: Frame[] })[] | undefined) ?? [];
    const errors: Frame[] = [res, ...topics, ...topics.flatMap((t) => t.partitions ?? [])]
      .filter((f) => f.errorCode !== undefined);
    expect(errors[0]).toMatchObject({ errorCode: 'INVALID_REQUEST' });
    expect(errors[0].errorMessage).toContain(field);
    await stillUsable(raw);
  }));
});
