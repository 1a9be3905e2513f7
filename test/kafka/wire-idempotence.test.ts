// The idempotent producer over the Kafka listener, at the byte level: InitProducerId at classic and flexible
// versions (ids unique, also across a restart; transactional ids refused), and the sequence rules log-core keeps
// per partition applied to Kafka Produce batches, with their Kafka error codes.
import { encodeBatch } from '@klog/log-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, startKafkaBroker, tempDir, type KafkaBroker } from './kafka-fixture.js';
import { bodies, Enc, RawKafka, requestFrame, type Dec } from './raw-kafka.js';

const INIT_PRODUCER_ID = 22;
const PRODUCE = 0;

let broker: KafkaBroker;
let dataDir: string;
let conn: RawKafka;
beforeAll(async () => {
  dataDir = tempDir();
  broker = await startKafkaBroker({ dataDir });
});
afterEach(() => conn?.close());
afterAll(async () => {
  await broker?.close();
  removeTempDirs();
});

interface Pid { error: number; producerId: number; epoch: number }

/** InitProducerId v0/v1 (classic). */
async function initClassic(version: number, transactionalId: string | null = null): Promise<Pid> {
  const d = await conn.call(INIT_PRODUCER_ID, version, new Enc().str(transactionalId).int32(60_000).build());
  expect(d.int32()).toBe(0);
  const pid = { error: d.int16(), producerId: d.int64(), epoch: d.int16() };
  expect(d.done).toBe(true);
  return pid;
}

/** InitProducerId v2+ (flexible; v3+ names the id and epoch held). */
async function initFlexible(version: number, held: { producerId: number; epoch: number } | null, transactionalId: string | null = null): Promise<Pid> {
  const e = new Enc().compactStr(transactionalId).int32(60_000);
  if (version >= 3) e.int64(held?.producerId ?? -1).int16(held?.epoch ?? -1);
  conn.write(requestFrame(INIT_PRODUCER_ID, version, 9, e.noTags().build(), 'raw', true));
  const r = (await conn.next())!;
  expect(r.correlationId).toBe(9);
  const d = r.body;
  expect(d.tags()).toEqual([]); // response header v1
  expect(d.int32()).toBe(0);
  const pid = { error: d.int16(), producerId: d.int64(), epoch: d.int16() };
  expect(d.tags()).toEqual([]);
  expect(d.done).toBe(true);
  return pid;
}

const batch = (producerId: number, producerEpoch: number, baseSequence: number, ...values: string[]) =>
  encodeBatch(values.map((v) => ({ value: Buffer.from(v) })), { producerId, producerEpoch, baseSequence });

/** Produce v3, acks -1: the partition's error code and base offset. */
async function produce(topic: string, records: Buffer): Promise<{ error: number; baseOffset: number }> {
  const d: Dec = await conn.call(PRODUCE, 3, bodies.produce(topic, 0, records));
  const [t] = d.array((d) => ({ name: d.str(), partitions: d.array((d) => ({ index: d.int32(), error: d.int16(), baseOffset: d.int64(), appendTime: d.int64() })) }));
  expect(d.int32()).toBe(0);
  return { error: t.partitions[0].error, baseOffset: t.partitions[0].baseOffset };
}

describe('InitProducerId over the Kafka listener', () => {
  it('gives each idempotent producer a new id at epoch 0, at every version, v3+ ignoring the id and epoch held', async () => {
    conn = await RawKafka.open(broker.kafkaPort);
    const answers = [await initClassic(0), await initClassic(1), await initFlexible(2, null)];
    for (const version of [3, 4, 5]) answers.push(await initFlexible(version, { producerId: answers[0].producerId, epoch: 0 }));
    for (const a of answers) expect(a).toMatchObject({ error: 0, epoch: 0 });
    const ids = answers.map((a) => a.producerId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => Number.isSafeInteger(id) && id >= 0)).toBe(true);
  });

  it('refuses a transactional id with TRANSACTIONAL_ID_AUTHORIZATION_FAILED (53), classic and flexible', async () => {
    conn = await RawKafka.open(broker.kafkaPort);
    expect(await initClassic(1, 'tx-1')).toEqual({ error: 53, producerId: -1, epoch: -1 });
    expect(await initFlexible(4, null, 'tx-1')).toEqual({ error: 53, producerId: -1, epoch: -1 });
  });

  it('never hands out an id again after a restart, whichever listener asked (native ids come from the same allocator)', async () => {
    conn = await RawKafka.open(broker.kafkaPort);
    const before = (await initClassic(0)).producerId;
    conn.close();
    await broker.close();
    broker = await startKafkaBroker({ dataDir });
    conn = await RawKafka.open(broker.kafkaPort);
    const after = (await initClassic(0)).producerId;
    expect(after).toBeGreaterThan(before);
  });
});

describe('sequence rules for Kafka Produce batches', () => {
  it('answers a retried batch with its original offsets, refuses gaps (45) and old epochs (47), and restarts sequences at 0 in a new epoch', async () => {
    conn = await RawKafka.open(broker.kafkaPort);
    await broker.store.createTopic('idem', { partitions: 1 });
    const { producerId: pid } = await initClassic(0);
    expect(await produce('idem', batch(pid, 0, 0, 'a', 'b'))).toEqual({ error: 0, baseOffset: 0 });
    expect(await produce('idem', batch(pid, 0, 2, 'c'))).toEqual({ error: 0, baseOffset: 2 });
    // A non-idempotent record in between moves the log end, so a retry answered from memory is visible.
    expect(await produce('idem', encodeBatch([{ value: Buffer.from('plain') }]))).toEqual({ error: 0, baseOffset: 3 });
    // Retries of either of the last batches: their original offsets, nothing appended.
    expect(await produce('idem', batch(pid, 0, 0, 'a', 'b'))).toEqual({ error: 0, baseOffset: 0 });
    expect(await produce('idem', batch(pid, 0, 2, 'c'))).toEqual({ error: 0, baseOffset: 2 });
    expect(broker.store.logEndOffset('idem', 0)).toBe(4);
    // A gap in the sequence: OUT_OF_ORDER_SEQUENCE_NUMBER.
    expect((await produce('idem', batch(pid, 0, 7, 'd'))).error).toBe(45);
    expect(await produce('idem', batch(pid, 0, 3, 'd'))).toEqual({ error: 0, baseOffset: 4 });
    // A new epoch must start at sequence 0, and then the old epoch is fenced: INVALID_PRODUCER_EPOCH.
    expect((await produce('idem', batch(pid, 1, 4, 'e'))).error).toBe(45);
    expect(await produce('idem', batch(pid, 1, 0, 'e'))).toEqual({ error: 0, baseOffset: 5 });
    expect((await produce('idem', batch(pid, 0, 4, 'f'))).error).toBe(47);
    expect(broker.store.logEndOffset('idem', 0)).toBe(6);
  });

  it('keeps only the last five batches for retries: an older one is out of order', async () => {
    conn = await RawKafka.open(broker.kafkaPort);
    await broker.store.createTopic('idem-five', { partitions: 1 });
    const { producerId: pid } = await initClassic(0);
    for (let seq = 0; seq < 6; seq++) expect(await produce('idem-five', batch(pid, 0, seq, `r${seq}`))).toEqual({ error: 0, baseOffset: seq });
    expect(await produce('idem-five', batch(pid, 0, 1, 'r1'))).toEqual({ error: 0, baseOffset: 1 });
    expect((await produce('idem-five', batch(pid, 0, 0, 'r0'))).error).toBe(45);
    expect(broker.store.logEndOffset('idem-five', 0)).toBe(6);
  });
});
