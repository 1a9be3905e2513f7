// Topic ids through the Kafka admin APIs, over a socket: CreateTopics v7 answers the id the store keeps (and
// Metadata reports), DeleteTopics v6 deletes by that id (with its offsets) and answers UNKNOWN_TOPIC_ID for an
// id no topic has. Golden cases cannot pin these: ids are random per store.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, startKafkaBroker, type KafkaBroker } from './kafka-fixture.js';
import { Enc, RawKafka, requestFrame, type Dec } from './raw-kafka.js';

const CREATE_TOPICS = 19;
const DELETE_TOPICS = 20;

let broker: KafkaBroker;
let conn: RawKafka;
beforeAll(async () => {
  broker = await startKafkaBroker();
});
afterEach(() => conn?.close());
afterAll(async () => {
  await broker?.close();
  removeTempDirs();
});

/** A flexible request (header v2) and its body after the response header v1. */
async function flexibleCall(apiKey: number, version: number, body: Buffer): Promise<Dec> {
  conn.write(requestFrame(apiKey, version, 5, body, 'raw', true));
  const r = (await conn.next())!;
  expect(r.correlationId).toBe(5);
  expect(r.body.tags()).toEqual([]);
  return r.body;
}

const uuid = (d: Dec) => d.buf.subarray(d.pos, (d.pos += 16));

describe('topic ids in the Kafka admin APIs', () => {
  it('CreateTopics v7 answers the topic id the store keeps; DeleteTopics v6 deletes by it, and refuses an unknown id (100)', async () => {
    conn = await RawKafka.open(broker.kafkaPort);
    const create = new Enc()
      .compactArray(['by-id'], (e, name) => e.compactStr(name).int32(2).int16(1).compactArray([], () => undefined).compactArray([], () => undefined).noTags())
      .int32(5_000).int8(0).noTags().build();
    const created = await flexibleCall(CREATE_TOPICS, 7, create);
    expect(created.int32()).toBe(0);
    const [topic] = created.compactArray((d) => {
      const answer = { name: d.compactStr(), id: Buffer.from(uuid(d)), error: d.int16(), message: d.compactStr(), partitions: d.int32(), replication: d.int16() };
      d.compactArray((d) => [d.compactStr(), d.compactStr(), d.int8(), d.int8(), d.int8(), d.tags()]);
      d.tags();
      return answer;
    });
    expect(topic).toMatchObject({ name: 'by-id', error: 0, message: null, partitions: 2, replication: 1 });
    expect(topic.id.equals(broker.store.topicId('by-id'))).toBe(true);
    expect(topic.id.equals(Buffer.alloc(16))).toBe(false);

    const unknown = Buffer.alloc(16, 0x42);
    // topics: a compact array of { name: null, topic_id }, then timeout_ms.
    const del = Buffer.concat([
      new Enc().uvarint(3).build(),
      ...[topic.id, unknown].flatMap((id) => [new Enc().compactStr(null).build(), id, new Enc().noTags().build()]),
      new Enc().int32(5_000).noTags().build(),
    ]);
    const deleted = await flexibleCall(DELETE_TOPICS, 6, del);
    expect(deleted.int32()).toBe(0);
    const answers = deleted.compactArray((d) => {
      const a = { name: d.compactStr(), id: Buffer.from(uuid(d)), error: d.int16(), message: d.compactStr() };
      d.tags();
      return a;
    });
    expect(answers.map((a) => [a.name, a.error])).toEqual([['by-id', 0], [null, 100]]);
    expect(answers[0].id.equals(topic.id)).toBe(true);
    expect(answers[1].id.equals(unknown)).toBe(true);
    expect(answers[1].message).toMatch(/no topic has the id/);
    expect(broker.store.hasTopic('by-id')).toBe(false);
  });
});
