// The Kafka listener at the byte level: the advertised API table, version negotiation, request ordering,
// produce edge cases (acks 0, old message formats, damaged batches), fetch and metadata errors, CreateTopics,
// and what closes a connection (and only that connection).
import { encodeBatch } from '@klog/log-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, bodies, Enc, RawKafka, requestFrame, type Dec } from './raw-kafka.js';
import { removeTempDirs, startKafkaBroker, type KafkaBroker } from './kafka-fixture.js';

afterAll(removeTempDirs);

/** The advertised table, pinned: a change of what clients are offered must show here. */
const ADVERTISED = [
  [API.PRODUCE, 0, 11], [API.FETCH, 4, 12], [API.LIST_OFFSETS, 1, 7], [API.METADATA, 0, 12], [API.OFFSET_COMMIT, 2, 9],
  [API.OFFSET_FETCH, 1, 9], [API.FIND_COORDINATOR, 0, 6], [API.JOIN_GROUP, 0, 9], [API.HEARTBEAT, 0, 4], [API.LEAVE_GROUP, 0, 5],
  [API.SYNC_GROUP, 0, 5], [API.DESCRIBE_GROUPS, 0, 5], [API.LIST_GROUPS, 0, 5], [API.API_VERSIONS, 0, 4], [API.CREATE_TOPICS, 0, 7],
  [API.DELETE_RECORDS, 0, 2], [API.DESCRIBE_CONFIGS, 0, 4], [API.ALTER_CONFIGS, 0, 2], [API.CREATE_PARTITIONS, 0, 3],
  [API.INCREMENTAL_ALTER_CONFIGS, 0, 1],
  [20 /* DeleteTopics */, 0, 6], [22 /* InitProducerId */, 0, 5], [42 /* DeleteGroups */, 0, 2], [47 /* OffsetDelete */, 0, 0],
  [60 /* DescribeCluster */, 0, 1], [61 /* DescribeProducers */, 0, 0], [API.SASL_HANDSHAKE, 0, 1], [API.SASL_AUTHENTICATE, 0, 2],
];

const apiTable = (d: Dec) => d.array((d) => [d.int16(), d.int16(), d.int16()]);

function produceAnswer(d: Dec) {
  const [t] = d.array((d) => ({ name: d.str(), partitions: d.array((d) => ({ index: d.int32(), error: d.int16(), baseOffset: d.int64(), appendTime: d.int64() })) }));
  expect(d.int32()).toBe(0); // throttle_time_ms
  return t.partitions[0];
}

function fetchAnswer(d: Dec) {
  expect(d.int32()).toBe(0);
  const [t] = d.array((d) => ({
    topic: d.str(),
    partitions: d.array((d) => ({ partition: d.int32(), error: d.int16(), hw: d.int64(), lso: d.int64(), aborted: d.array(() => 0), records: d.bytes() })),
  }));
  return t.partitions[0];
}

const batchOf = (...values: string[]) => encodeBatch(values.map((v) => ({ value: Buffer.from(v) })));

describe('Kafka wire protocol', () => {
  let broker: KafkaBroker;
  let conn: RawKafka;
  beforeAll(async () => {
    broker = await startKafkaBroker({ maxFrameBytes: 1 << 20 });
  });
  afterAll(async () => broker?.close());
  const open = async () => (conn = await RawKafka.open(broker.kafkaPort));
  afterAll(() => conn?.close());

  it('advertises exactly the implemented table in ApiVersions v0, v1 and v2 (v1+ with throttle_time_ms)', async () => {
    await open();
    for (const version of [0, 1, 2]) {
      const d = await conn.call(API.API_VERSIONS, version, bodies.apiVersions());
      expect(d.int16()).toBe(0);
      expect(apiTable(d)).toEqual([...ADVERTISED].sort((a, b) => a[0] - b[0]));
      if (version >= 1) expect(d.int32()).toBe(0);
      expect(d.done).toBe(true);
    }
  });

  it('answers ApiVersions v3 and v4 flexibly: compact table with per-entry tags, no features, header v0', async () => {
    await open();
    for (const version of [3, 4]) {
      const body = new Enc().compactStr('kcat').compactStr('1.7.1-librdkafka.2.0.2').noTags().build();
      conn.write(requestFrame(API.API_VERSIONS, version, 21, body, 'raw', true));
      const r = (await conn.next())!;
      expect(r.correlationId).toBe(21);
      const d = r.body; // header v0: the body starts at once, no tag byte
      expect(d.int16()).toBe(0);
      expect(d.compactArray((d) => {
        const entry = [d.int16(), d.int16(), d.int16()];
        expect(d.tags()).toEqual([]);
        return entry;
      })).toEqual([...ADVERTISED].sort((a, b) => a[0] - b[0]));
      expect(d.int32()).toBe(0);
      expect(d.tags()).toEqual([]);
      expect(d.done).toBe(true);
    }
  });

  it('answers ApiVersions v3 naming software Kafka would refuse with INVALID_REQUEST (42), keeping the connection', async () => {
    await open();
    conn.write(requestFrame(API.API_VERSIONS, 3, 22, new Enc().compactStr('-bad name').compactStr('1').noTags().build(), 'raw', true));
    const d = (await conn.next())!.body;
    expect(d.int16()).toBe(42);
    expect((await conn.call(API.API_VERSIONS, 0, bodies.apiVersions())).int16()).toBe(0);
  });

  it('answers an ApiVersions version beyond v4 with UNSUPPORTED_VERSION in a v0 body and keeps the connection for the retry', async () => {
    await open();
    const d = await conn.call(API.API_VERSIONS, 5, Buffer.from([0x04, 0x6b, 0x63, 0x74, 0x02, 0x31, 0x00]));
    expect(d.int16()).toBe(35);
    expect(apiTable(d)).toEqual([[API.API_VERSIONS, 0, 4]]);
    expect(d.done).toBe(true);
    const again = await conn.call(API.API_VERSIONS, 0, bodies.apiVersions());
    expect(again.int16()).toBe(0);
  });

  it('closes the connection on an api or version it does not serve, and only that connection', async () => {
    const other = await RawKafka.open(broker.kafkaPort);
    for (const [key, version] of [[API.PRODUCE, 12], [57, 0], [999, 0]]) {
      await open();
      conn.write(requestFrame(key, version, 1, Buffer.alloc(16)));
      expect(await conn.next()).toBeNull();
    }
    expect((await other.call(API.API_VERSIONS, 0, bodies.apiVersions())).int16()).toBe(0);
    other.close();
  });

  it('answers pipelined requests in order, sends nothing for acks=0 and still applies that produce', async () => {
    await open();
    conn.write(Buffer.concat([
      requestFrame(API.FETCH, 4, 11, bodies.fetch('pipelined', 0, 0, 300)), // the topic does not exist yet: an error answer
      requestFrame(API.PRODUCE, 3, 12, bodies.produce('pipelined', 0, batchOf('silent'), 0)),
      requestFrame(API.METADATA, 4, 13, bodies.metadata(['pipelined'], false)),
      requestFrame(API.PRODUCE, 3, 14, bodies.produce('pipelined', 0, batchOf('loud'), 1)),
      requestFrame(API.API_VERSIONS, 0, 15, bodies.apiVersions()),
    ]));
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await conn.next())!.correlationId);
    expect(ids).toEqual([11, 13, 14, 15]);
    expect(broker.store.logEndOffset('pipelined', 0)).toBe(2);
  });

  it('appends a record set of several batches, and refuses magic 0/1 message sets and damaged batches', async () => {
    await open();
    const two = Buffer.concat([batchOf('a', 'b'), batchOf('c')]);
    expect(produceAnswer(await conn.call(API.PRODUCE, 3, bodies.produce('formats', 0, two)))).toEqual({ index: 0, error: 0, baseOffset: 0, appendTime: -1 });

    const magic1 = Buffer.alloc(40);
    magic1.writeInt32BE(28, 8); // message_size
    magic1.writeInt8(1, 16); // magic
    expect(produceAnswer(await conn.call(API.PRODUCE, 3, bodies.produce('formats', 0, magic1))).error).toBe(87); // INVALID_RECORD

    const badCrc = batchOf('x');
    badCrc[badCrc.length - 1] ^= 0xff;
    expect(produceAnswer(await conn.call(API.PRODUCE, 3, bodies.produce('formats', 0, badCrc))).error).toBe(2); // CORRUPT_MESSAGE
    expect(produceAnswer(await conn.call(API.PRODUCE, 3, bodies.produce('formats', 0, batchOf('y').subarray(0, -3)))).error).toBe(2);
    expect(produceAnswer(await conn.call(API.PRODUCE, 3, bodies.produce('formats', 0, null))).error).toBe(87);
    expect(produceAnswer(await conn.call(API.PRODUCE, 3, bodies.produce('formats', 5, batchOf('z')))).error).toBe(3); // no partition 5
    expect(produceAnswer(await conn.call(API.PRODUCE, 3, bodies.produce('formats', 0, batchOf('z'), 2))).error).toBe(21); // acks 2
    expect(produceAnswer(await conn.call(API.PRODUCE, 3, bodies.produce('__consumer_offsets', 0, batchOf('z')))).error).toBe(17);
    expect(broker.store.logEndOffset('formats', 0)).toBe(3);
  });

  it('fetches stored batches byte for byte, with the end offsets, and reports offsets out of range', async () => {
    await open();
    await conn.call(API.PRODUCE, 3, bodies.produce('fetched', 0, batchOf('one', 'two')));
    const got = fetchAnswer(await conn.call(API.FETCH, 4, bodies.fetch('fetched', 0, 1)));
    expect(got).toMatchObject({ partition: 0, error: 0, hw: 2, lso: 2, aborted: [] });
    const stored = await broker.store.readBatches('fetched', 0, { offset: 0 });
    expect(got.records).toEqual(stored.data);

    expect(fetchAnswer(await conn.call(API.FETCH, 4, bodies.fetch('fetched', 0, 2)))).toMatchObject({ error: 0, hw: 2, records: Buffer.alloc(0) });
    expect(fetchAnswer(await conn.call(API.FETCH, 4, bodies.fetch('fetched', 0, 3)))).toMatchObject({ error: 1, records: Buffer.alloc(0) });
    expect(fetchAnswer(await conn.call(API.FETCH, 4, bodies.fetch('missing', 0, 0)))).toMatchObject({ error: 3, hw: -1 });
  });

  it('a fetch long-poll is answered when records arrive', async () => {
    await open();
    await conn.call(API.PRODUCE, 3, bodies.produce('polled', 0, batchOf('first')));
    conn.write(requestFrame(API.FETCH, 4, 21, bodies.fetch('polled', 0, 1, 30_000)));
    const other = await RawKafka.open(broker.kafkaPort);
    await other.call(API.PRODUCE, 3, bodies.produce('polled', 0, batchOf('second')));
    other.close();
    const r = await conn.next();
    expect(r!.correlationId).toBe(21);
    expect(fetchAnswer(r!.body)).toMatchObject({ error: 0, hw: 2 });
  });

  it('lists offsets: earliest, latest, by timestamp (with the record timestamp), none newer', async () => {
    await open();
    const batch = encodeBatch([{ value: Buffer.from('a'), timestamp: 1000 }, { value: Buffer.from('b'), timestamp: 2000 }]);
    await conn.call(API.PRODUCE, 3, bodies.produce('timed', 0, batch));
    const lookUp = async (ts: number) => {
      const d = await conn.call(API.LIST_OFFSETS, 1, bodies.listOffsets('timed', 0, ts));
      const [t] = d.array((d) => d.str() !== null && d.array((d) => ({ index: d.int32(), error: d.int16(), timestamp: d.int64(), offset: d.int64() })));
      return (t as { offset: number; timestamp: number; error: number }[])[0];
    };
    expect(await lookUp(-2)).toMatchObject({ error: 0, offset: 0 });
    expect(await lookUp(-1)).toMatchObject({ error: 0, offset: 2 });
    expect(await lookUp(1500)).toMatchObject({ error: 0, offset: 1, timestamp: 2000 });
    expect(await lookUp(3000)).toMatchObject({ error: 0, offset: -1, timestamp: -1 });
  });

  it('Metadata creates a named topic when allowed, reports it unknown when not, and lists all topics for v0 []', async () => {
    await open();
    const topicsOf = (d: Dec, version: number) => {
      if (version >= 3) d.int32();
      d.array((d) => [d.int32(), d.str(), d.int32(), version >= 1 ? d.str() : null]);
      if (version >= 2) d.str();
      if (version >= 1) d.int32();
      return d.array((d) => ({
        error: d.int16(), name: d.str(), internal: version >= 1 ? d.int8() : 0,
        partitions: d.array((d) => ({ error: d.int16(), index: d.int32(), leader: d.int32(), replicas: d.array((d) => d.int32()), isr: d.array((d) => d.int32()) })),
      }));
    };
    const refused = topicsOf(await conn.call(API.METADATA, 4, bodies.metadata(['not-yet'], false)), 4);
    expect(refused).toEqual([{ error: 3, name: 'not-yet', internal: 0, partitions: [] }]);
    const created = topicsOf(await conn.call(API.METADATA, 1, new Enc().array(['made-by-v1'], (e, t) => e.str(t)).build()), 1);
    expect(created).toEqual([{ error: 0, name: 'made-by-v1', internal: 0, partitions: [{ error: 0, index: 0, leader: 0, replicas: [0], isr: [0] }] }]);
    const all = topicsOf(await conn.call(API.METADATA, 0, new Enc().array([], () => undefined).build()), 0);
    expect(all.map((t) => t.name)).toContain('made-by-v1');
    expect(all.map((t) => t.name)).not.toContain('not-yet');
  });

  it('CreateTopics v3/v4 creates with the partition count and reports each refusal with its Kafka code', async () => {
    await open();
    const results = (d: Dec) => {
      expect(d.int32()).toBe(0);
      return d.array((d) => {
        const answer = [d.str(), d.int16()];
        const message = d.str();
        expect(message === null).toBe(answer[1] === 0); // refusals say why
        return answer;
      });
    };
    expect(results(await conn.call(API.CREATE_TOPICS, 4, bodies.createTopics([
      { name: 'six', partitions: 6 }, { name: 'defaulted', partitions: -1 }, { name: 'bad name!', partitions: 1 },
      { name: 'replicated', partitions: 1, replication: 3 }, { name: 'empty', partitions: 0 }, { name: '__mine', partitions: 1 },
    ])))).toEqual([['six', 0], ['defaulted', 0], ['bad name!', 17], ['replicated', 38], ['empty', 37], ['__mine', 17]]);
    expect(broker.store.partitionCount('six')).toBe(6);
    expect(broker.store.partitionCount('defaulted')).toBe(1);
    expect(results(await conn.call(API.CREATE_TOPICS, 3, bodies.createTopics([{ name: 'six', partitions: 2 }])))).toEqual([['six', 36]]);
    expect(results(await conn.call(API.CREATE_TOPICS, 3, bodies.createTopics([{ name: 'only-checked', partitions: 2 }], true)))).toEqual([['only-checked', 0]]);
    expect(broker.store.hasTopic('only-checked')).toBe(false);
  });

  it('commits and fetches offsets outside a group (generation -1), shared with native groups', async () => {
    await open();
    await conn.call(API.PRODUCE, 3, bodies.produce('committed', 0, batchOf('a', 'b', 'c')));
    const fetched = async () => {
      const d = await conn.call(API.OFFSET_FETCH, 1, bodies.offsetFetch('simple', 'committed', 0));
      return d.array((d) => [d.str(), d.array((d) => [d.int32(), d.int64(), d.str(), d.int16()])]);
    };
    expect(await fetched()).toEqual([['committed', [[0, -1, '', 0]]]]);
    const c = await conn.call(API.OFFSET_COMMIT, 2, bodies.offsetCommit('simple', 'committed', 0, 2));
    expect(c.array((d) => [d.str(), d.array((d) => [d.int32(), d.int16()])])).toEqual([['committed', [[0, 0]]]]);
    expect(await fetched()).toEqual([['committed', [[0, 2, '', 0]]]]);
    const bad = await conn.call(API.OFFSET_COMMIT, 2, bodies.offsetCommit('simple', 'no-topic', 0, 2));
    expect(bad.array((d) => [d.str(), d.array((d) => [d.int32(), d.int16()])])).toEqual([['no-topic', [[0, 3]]]]);
  });

  it('lists groups and describes them, an unknown group as Dead (ListGroups v2, DescribeGroups v2)', async () => {
    await open();
    await conn.call(API.PRODUCE, 3, bodies.produce('listed', 0, batchOf('a')));
    await conn.call(API.OFFSET_COMMIT, 2, bodies.offsetCommit('listed-group', 'listed', 0, 1));
    const l = await conn.call(API.LIST_GROUPS, 2, Buffer.alloc(0));
    expect([l.int32(), l.int16()]).toEqual([0, 0]);
    expect(l.array((d) => [d.str(), d.str()])).toContainEqual(['listed-group', '']);
    const d = await conn.call(API.DESCRIBE_GROUPS, 2, new Enc().array(['listed-group', 'never-seen'], (e, g) => e.str(g)).build());
    expect(d.int32()).toBe(0);
    expect(d.array((d) => [d.int16(), d.str(), d.str(), d.str(), d.str(), d.array(() => 0)])).toEqual([
      [0, 'listed-group', 'Empty', '', '', []],
      [0, 'never-seen', 'Dead', '', '', []],
    ]);
    expect(d.done).toBe(true);
  });

  it('closes a connection whose frame is over the size limit (after answering what came before it) or whose body does not parse', async () => {
    await open();
    const huge = Buffer.alloc(4);
    huge.writeInt32BE(2 << 20);
    conn.write(huge);
    expect(await conn.next()).toBeNull();
    // Requests sent before the oversized frame, in the same write, are answered first, in order.
    await open();
    conn.write(Buffer.concat([
      requestFrame(API.API_VERSIONS, 0, 21, bodies.apiVersions()),
      requestFrame(API.PRODUCE, 3, 22, bodies.produce('before-huge', 0, batchOf('kept'), 1)),
      huge,
    ]));
    expect((await conn.next())!.correlationId).toBe(21);
    expect((await conn.next())!.correlationId).toBe(22);
    expect(await conn.next()).toBeNull();
    expect(broker.store.logEndOffset('before-huge', 0)).toBe(1);
    // An empty frame, alone in the stream: closed, and the broker still serves others.
    await open();
    conn.write(Buffer.alloc(4));
    expect(await conn.next()).toBeNull();
    await open();
    conn.write(requestFrame(API.METADATA, 4, 1, Buffer.from([0, 0, 0, 9, 0, 1])));
    expect(await conn.next()).toBeNull();
    await open();
    expect((await conn.call(API.API_VERSIONS, 0, bodies.apiVersions())).int16()).toBe(0);
  });
});
