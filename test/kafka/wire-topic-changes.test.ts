// The Kafka APIs that change topics after creation, at the byte level over a socket, in their classic versions:
// DescribeConfigs 0-3, IncrementalAlterConfigs 0, CreatePartitions 0-1, DeleteRecords 0-1 (the flexible ones, and
// every version, are pinned by the golden cases in packages/broker/test/kafka/golden). What real clients send is
// tested with kafkajs and kafka-python; this pins the layouts, the edge cases and the error codes.
import { DEFAULT_TOPIC_CONFIG } from '@klog/log-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { removeTempDirs, startKafkaBroker, type KafkaBroker } from './kafka-fixture.js';
import { API, Dec, Enc, RawKafka } from './raw-kafka.js';

const TOPIC = 2;
const BROKER = 4;

let broker: KafkaBroker;
let conn: RawKafka;
beforeAll(async () => {
  broker = await startKafkaBroker();
});
afterAll(async () => {
  await broker?.close();
  removeTempDirs();
});
beforeEach(async () => {
  conn = await RawKafka.open(broker.kafkaPort);
});
afterEach(() => conn?.close());

let n = 0;
async function freshTopic(partitions = 1, config: { retentionMs?: number } = {}): Promise<string> {
  const name = `wire-${++n}`;
  await broker.store.createTopic(name, { partitions, ...config });
  return name;
}

interface Entry { name: string | null; value: string | null; readOnly: number; defaultOrSource: number; sensitive: number; synonyms?: unknown[]; type?: number; doc?: string | null }

function describeConfigs(version: number, resources: { type: number; name: string; keys: string[] | null }[], synonyms = false): Buffer {
  const e = new Enc().array(resources, (e, r) => e.int8(r.type).str(r.name).array(r.keys, (e, k) => e.str(k)));
  if (version >= 1) e.int8(synonyms ? 1 : 0);
  if (version >= 3) e.int8(0);
  return e.build();
}

function describeAnswer(d: Dec, version: number) {
  expect(d.int32()).toBe(0);
  const results = d.array((d) => ({
    error: d.int16(), message: d.str(), type: d.int8(), name: d.str(),
    entries: d.array((d): Entry => {
      const entry: Entry = { name: d.str(), value: d.str(), readOnly: d.int8(), defaultOrSource: d.int8(), sensitive: d.int8() };
      if (version >= 1) entry.synonyms = d.array((d) => [d.str(), d.str(), d.int8()]);
      if (version >= 3) {
        entry.type = d.int8();
        entry.doc = d.str();
      }
      return entry;
    }),
  }));
  expect(d.done).toBe(true);
  return results;
}

function alterAnswer(d: Dec) {
  expect(d.int32()).toBe(0);
  const answers = d.array((d) => ({ error: d.int16(), message: d.str(), type: d.int8(), name: d.str() }));
  expect(d.done).toBe(true);
  return answers;
}

describe('DescribeConfigs', () => {
  it('v0 marks defaults with is_default; v1 and v2 with config_source and synonyms on request; v3 adds config_type', async () => {
    const name = await freshTopic(1, { retentionMs: 60_000 });
    const v0 = describeAnswer(await conn.call(API.DESCRIBE_CONFIGS, 0, describeConfigs(0, [{ type: TOPIC, name, keys: ['retention.ms', 'segment.bytes'] }])), 0);
    expect(v0).toEqual([{ error: 0, message: null, type: TOPIC, name, entries: [
      { name: 'retention.ms', value: '60000', readOnly: 0, defaultOrSource: 0, sensitive: 0 },
      { name: 'segment.bytes', value: String(128 << 20), readOnly: 0, defaultOrSource: 1, sensitive: 0 },
    ] }]);
    for (const version of [1, 2]) {
      const [r] = describeAnswer(await conn.call(API.DESCRIBE_CONFIGS, version, describeConfigs(version, [{ type: TOPIC, name, keys: ['retention.ms', 'segment.bytes'] }], true)), version);
      expect(r.entries.map((e) => [e.name, e.defaultOrSource, e.synonyms])).toEqual([
        ['retention.ms', 1, [['retention.ms', '60000', 1]]],
        ['segment.bytes', 5, [['segment.bytes', String(128 << 20), 5]]],
      ]);
    }
    const [v3] = describeAnswer(await conn.call(API.DESCRIBE_CONFIGS, 3, describeConfigs(3, [{ type: TOPIC, name, keys: null }])), 3);
    // A store built with compaction reports its settings (min.compaction.lag.ms, …) besides these.
    expect(v3.entries.map((e) => [e.name, e.type, e.synonyms])).toEqual(expect.arrayContaining([
      ['retention.ms', 5, []], ['retention.bytes', 5, []], ['segment.bytes', 3, []], ['segment.ms', 5, []],
      ['max.message.bytes', 3, []], ['cleanup.policy', 7, []],
    ]));
  });

  it('answers each resource on its own: this broker with no entries, another broker, an unknown topic or type with an error', async () => {
    const name = await freshTopic();
    const results = describeAnswer(await conn.call(API.DESCRIBE_CONFIGS, 1, describeConfigs(1, [
      { type: BROKER, name: '0', keys: null }, { type: BROKER, name: '', keys: null }, { type: BROKER, name: '7', keys: null },
      { type: TOPIC, name: 'no-such-topic', keys: null }, { type: 8, name: 'x', keys: null }, { type: TOPIC, name, keys: ['no.such'] },
    ])), 1);
    expect(results.map((r) => [r.error, r.name, r.entries.length])).toEqual([
      [0, '0', 0], [0, '', 0], [42, '7', 0], [3, 'no-such-topic', 0], [42, 'x', 0], [0, name, 0],
    ]);
    expect(results[3].message).toMatch(/does not exist/);
  });
});

describe('IncrementalAlterConfigs v0', () => {
  const body = (resources: { type: number; name: string; configs: [string, number, string | null][] }[], validateOnly = false) =>
    new Enc().array(resources, (e, r) => e.int8(r.type).str(r.name).array(r.configs, (e, [k, op, v]) => e.str(k).int8(op).str(v)))
      .int8(validateOnly ? 1 : 0).build();

  it('SETs and DELETEs (back to the default) named settings, leaving the others; validate_only changes nothing', async () => {
    const name = await freshTopic(1, { retentionMs: 60_000 });
    await broker.store.alterTopicConfig(name, { segmentMs: 5_000 });
    expect(alterAnswer(await conn.call(API.INCREMENTAL_ALTER_CONFIGS, 0, body([{ type: TOPIC, name, configs: [['retention.bytes', 0, '1048576'], ['segment.ms', 1, null]] }]))))
      .toEqual([{ error: 0, message: null, type: TOPIC, name }]);
    expect(broker.store.describeTopic(name).config).toMatchObject({ retentionMs: 60_000, retentionBytes: 1 << 20, segmentMs: 7 * 24 * 3600 * 1000 });

    expect(alterAnswer(await conn.call(API.INCREMENTAL_ALTER_CONFIGS, 0, body([{ type: TOPIC, name, configs: [['retention.ms', 0, '5']] }], true)))[0].error).toBe(0);
    expect(broker.store.describeTopic(name).config.retentionMs).toBe(60_000);
  });

  it('refuses, per resource: bad values, APPEND, unknown names and topics, internal topics and the broker', async () => {
    const name = await freshTopic();
    const answers = alterAnswer(await conn.call(API.INCREMENTAL_ALTER_CONFIGS, 0, body([
      { type: TOPIC, name, configs: [['retention.ms', 0, 'soon']] },
      { type: TOPIC, name, configs: [['cleanup.policy', 2, 'compact']] },
      { type: TOPIC, name, configs: [['min.insync.replicas', 0, '2']] },
      { type: TOPIC, name, configs: [['segment.bytes', 0, '10']] },
      { type: TOPIC, name: 'no-such-topic', configs: [['retention.ms', 0, '5']] },
      { type: TOPIC, name: '__consumer_offsets', configs: [['retention.ms', 0, '5']] },
      { type: BROKER, name: '0', configs: [['log.retention.ms', 0, '5']] },
      { type: TOPIC, name, configs: [['retention.ms', 0, '120000']] },
    ])));
    expect(answers.map((a) => a.error)).toEqual([40, 40, 40, 40, 3, 17, 42, 0]);
    expect(answers.slice(0, 7).every((a) => a.message !== null)).toBe(true);
    expect(broker.store.describeTopic(name).config.retentionMs).toBe(120_000);
  });
});

describe('cleanup.policy', () => {
  it('is delete unless the store has compaction; then SET changes it, else only delete is accepted', async () => {
    const name = await freshTopic();
    const body = (value: string) => new Enc().array([name], (e, t) => e.int8(TOPIC).str(t).array([value], (e, v) => e.str('cleanup.policy').int8(0).str(v))).int8(0).build();
    const policy = async () => describeAnswer(await conn.call(API.DESCRIBE_CONFIGS, 0, describeConfigs(0, [{ type: TOPIC, name, keys: ['cleanup.policy'] }])), 0)[0].entries[0];
    expect(await policy()).toMatchObject({ value: 'delete', defaultOrSource: 1 });
    expect(alterAnswer(await conn.call(API.INCREMENTAL_ALTER_CONFIGS, 0, body('delete')))[0].error).toBe(0);
    const compacting = Object.hasOwn(DEFAULT_TOPIC_CONFIG, 'cleanupPolicy');
    expect(alterAnswer(await conn.call(API.INCREMENTAL_ALTER_CONFIGS, 0, body('compact')))[0].error).toBe(compacting ? 0 : 40);
    expect(await policy()).toMatchObject(compacting ? { value: 'compact', defaultOrSource: 0 } : { value: 'delete', defaultOrSource: 1 });
  });
});

describe('CreatePartitions v0-1', () => {
  const body = (topics: { name: string; count: number; assignments?: number[][] }[], validateOnly = false) =>
    new Enc().array(topics, (e, t) => e.str(t.name).int32(t.count).array(t.assignments ?? null, (e, a) => e.array(a, (e, b) => e.int32(b))))
      .int32(5_000).int8(validateOnly ? 1 : 0).build();
  const answers = (d: Dec) => {
    expect(d.int32()).toBe(0);
    const a = d.array((d) => [d.str(), d.int16(), d.str()]);
    expect(d.done).toBe(true);
    return a;
  };

  it('grows topics, with or without assignments; validate_only only checks', async () => {
    const a = await freshTopic(1);
    const b = await freshTopic(2);
    expect(answers(await conn.call(API.CREATE_PARTITIONS, 0, body([{ name: a, count: 3 }, { name: b, count: 4, assignments: [[0], [0]] }]))))
      .toEqual([[a, 0, null], [b, 0, null]]);
    expect([broker.store.partitionCount(a), broker.store.partitionCount(b)]).toEqual([3, 4]);
    expect(answers(await conn.call(API.CREATE_PARTITIONS, 1, body([{ name: a, count: 9 }], true)))).toEqual([[a, 0, null]]);
    expect(broker.store.partitionCount(a)).toBe(3);
  });

  it('refuses a count that does not grow, bad assignments, duplicates and unknown topics, each with its code', async () => {
    const a = await freshTopic(2);
    const b = await freshTopic(1);
    const res = answers(await conn.call(API.CREATE_PARTITIONS, 1, body([
      { name: a, count: 2 }, { name: b, count: 3, assignments: [[0]] }, { name: b, count: 3, assignments: [[0], [1]] },
      { name: 'no-such-topic', count: 2 }, { name: '__consumer_offsets', count: 2 },
    ])));
    expect(res.map(([, code]) => code)).toEqual([37, 42, 42, 3, 17]);
    const single = answers(await conn.call(API.CREATE_PARTITIONS, 1, body([{ name: b, count: 3, assignments: [[0], [1]] }])));
    expect(single.map(([, code]) => code)).toEqual([39]);
    expect(broker.store.partitionCount(b)).toBe(1);
  });
});

describe('DeleteRecords v0-1', () => {
  const body = (topic: string, partitions: [number, number][]) =>
    new Enc().array([topic], (e, t) => e.str(t).array(partitions, (e, [p, o]) => e.int32(p).int64(o))).int32(5_000).build();
  const answers = (d: Dec) => {
    expect(d.int32()).toBe(0);
    const [t] = d.array((d) => ({ name: d.str(), partitions: d.array((d) => [d.int32(), d.int64(), d.int16()]) }));
    expect(d.done).toBe(true);
    return t.partitions;
  };

  it('moves each start offset, -1 to the end, and refuses offsets past the end and unknown partitions', async () => {
    const name = await freshTopic(2);
    for (let i = 0; i < 5; i++) await broker.store.append(name, [{ value: Buffer.from(`r${i}`) }], { partition: 0 });
    await broker.store.append(name, [{ value: Buffer.from('x') }, { value: Buffer.from('y') }], { partition: 1 });
    expect(answers(await conn.call(API.DELETE_RECORDS, 0, body(name, [[0, 3], [1, -1]])))).toEqual([[0, 3, 0], [1, 2, 0]]);
    expect(answers(await conn.call(API.DELETE_RECORDS, 1, body(name, [[0, 1], [0, 6], [5, 0]])))).toEqual([[0, 3, 0], [0, -1, 1], [5, -1, 3]]);
    expect([broker.store.logStartOffset(name, 0), broker.store.logStartOffset(name, 1)]).toEqual([3, 2]);
  });
});
