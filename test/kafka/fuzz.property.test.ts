// Fuzzing the Kafka listener with fast-check: random byte streams and mutated valid requests never crash the
// broker nor disturb other connections; every answer it still gives belongs to a request, in order; a good
// client works after each case. fast-check names the seed of a failing run; KLOG_FUZZ_SEED=<seed> replays it.
import { encodeBatch } from '@klog/log-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOffsetsApi } from '../../packages/broker/src/kafka/apis/list-offsets.js';
import { metadataApi } from '../../packages/broker/src/kafka/apis/metadata.js';
import { produceApi } from '../../packages/broker/src/kafka/apis/produce.js';
import type { KafkaApi } from '../../packages/broker/src/kafka/kafka-api.js';
import { writeMessage } from '../../packages/broker/src/kafka/schema/message-writer.js';
import { API, bodies, RawKafka, requestFrame } from './raw-kafka.js';
import { removeTempDirs, startKafkaBroker, type KafkaBroker } from './kafka-fixture.js';
import { propertyParameters } from '../reliability/fuzz-seed.js';

afterAll(removeTempDirs);

/** Flexible versions: their header ends with a tag section, written by requestFrame when the fourth item is true. */
const flexible = (api: KafkaApi, version: number, request: unknown): [number, number, Buffer, boolean] =>
  [api.key, version, Buffer.concat(writeMessage(api.request, request as never, version).toBuffers()), true];

const VALID_REQUESTS: [number, number, Buffer, boolean?][] = [
  [API.API_VERSIONS, 2, bodies.apiVersions()],
  [API.METADATA, 4, bodies.metadata(['fuzzed'])],
  [API.METADATA, 0, bodies.metadata([]).subarray(0, 4)],
  [API.PRODUCE, 3, bodies.produce('fuzzed', 0, encodeBatch([{ key: Buffer.from('k'), value: Buffer.from('fuzz') }]))],
  [API.FETCH, 4, bodies.fetch('fuzzed', 0, 0, 0)],
  [API.LIST_OFFSETS, 1, bodies.listOffsets('fuzzed', 0, -2)],
  [API.OFFSET_FETCH, 1, bodies.offsetFetch('fuzz-group', 'fuzzed', 0)],
  [API.OFFSET_COMMIT, 2, bodies.offsetCommit('fuzz-group', 'fuzzed', 0, 0)],
  [API.CREATE_TOPICS, 3, bodies.createTopics([{ name: 'fuzz-created', partitions: 2 }])],
  [API.FIND_COORDINATOR, 0, Buffer.from([0, 4, 0x66, 0x75, 0x7a, 0x7a])],
  [API.LIST_GROUPS, 2, Buffer.alloc(0)],
  flexible(metadataApi, 12, { topics: [{ topicId: Buffer.alloc(16), name: 'fuzzed' }], allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }),
  flexible(produceApi, 9, {
    transactionalId: null, acks: 1, timeoutMs: 1000,
    topicData: [{ name: 'fuzzed', partitionData: [{ index: 0, records: encodeBatch([{ value: Buffer.from('flex') }]) }] }],
  }),
  flexible(listOffsetsApi, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'fuzzed', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -3, maxNumOffsets: 1 }] }], timeoutMs: 0 }),
];

/** A valid request with some of its body bytes overwritten, cut short or extended; the frame length stays true. */
const mutatedRequest = fc.record({
  request: fc.constantFrom(...VALID_REQUESTS),
  writes: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
  cut: fc.option(fc.nat(), { nil: undefined }),
  extra: fc.uint8Array({ maxLength: 16 }),
}).map(({ request: [key, version, body, flexibleHeader], writes, cut, extra }) => {
  const b = Buffer.concat([Buffer.from(body), Buffer.from(extra)]);
  for (const [at, value] of writes) if (b.length > 0) b[at % b.length] = value;
  const mutated = cut === undefined ? b : b.subarray(0, cut % (b.length + 1));
  return requestFrame(key, version, 1, mutated, 'raw', flexibleHeader === true);
});

/** Anything at all, including lying frame lengths and half frames. */
const randomStream = fc.uint8Array({ minLength: 1, maxLength: 300 }).map((a) => Buffer.from(a));

describe('Kafka listener under fuzzing', () => {
  let broker: KafkaBroker;
  let witness: RawKafka;
  beforeAll(async () => {
    // Small frame limit: random lengths are refused at once instead of being waited for.
    broker = await startKafkaBroker({ maxFrameBytes: 64 * 1024 });
    witness = await RawKafka.open(broker.kafkaPort);
  });
  afterAll(async () => {
    witness?.close();
    await broker?.close();
  });

  /**
   * Sends the bytes then a valid ApiVersions (correlation id 99) and closes our side; collects every answer
   * until the broker closes. Whatever it answered must be answers to our requests, in order. Returns whether
   * the ApiVersions after the bytes was answered (the bytes left the stream in step).
   */
  async function attack(bytes: Buffer): Promise<boolean> {
    const conn = await RawKafka.open(broker.kafkaPort);
    conn.write(Buffer.concat([bytes, requestFrame(API.API_VERSIONS, 0, 99, bodies.apiVersions())]));
    conn.socket.end();
    const ids: number[] = [];
    for (let r = await conn.next(); r !== null; r = await conn.next()) {
      ids.push(r.correlationId);
      if (r.correlationId === 99) expect(r.body.int16(), 'ApiVersions error code').toBe(0);
    }
    await conn.closed;
    expect(ids.every((id) => id === 1 || id === 99)).toBe(true);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids.filter((id) => id === 99).length).toBeLessThanOrEqual(1);
    return ids.includes(99);
  }

  /** Records the witness has had acknowledged: each produce must land right after the previous one. */
  let witnessRecords = 0;

  /** A good client, on a connection open all along, is still served correctly. */
  async function stillServes(): Promise<void> {
    const d = await witness.call(API.API_VERSIONS, 0, bodies.apiVersions());
    expect(d.int16()).toBe(0);
    const batch = encodeBatch([{ value: Buffer.from('still here') }]);
    const p = await witness.call(API.PRODUCE, 3, bodies.produce('witness', 0, batch));
    const answer = p.array((d) => [d.str(), d.array((d) => [d.int32(), d.int16(), d.int64(), d.int64()])]);
    // [topic, [[partition, error code, base offset, log append time (-1: create time)]]]
    expect(answer).toEqual([['witness', [[0, 0, witnessRecords, -1]]]]);
    witnessRecords++;
  }

  it('survives random byte streams', async () => {
    let inStep = 0;
    let cases = 0;
    await fc.assert(fc.asyncProperty(randomStream, async (bytes) => {
      cases++;
      if (await attack(bytes)) inStep++;
      await stillServes();
    }), propertyParameters(150));
    // Random bytes mostly break the stream; the cases exercised are counted so that a run of none cannot pass.
    expect(cases).toBeGreaterThanOrEqual(150);
    expect(broker.store.logEndOffset('witness', 0)).toBe(witnessRecords);
    console.log(`Kafka fuzz, random streams: ${cases} cases, ${inStep} left the stream in step`);
  });

  it('survives mutated valid requests', async () => {
    let inStep = 0;
    let cases = 0;
    await fc.assert(fc.asyncProperty(mutatedRequest, async (frame) => {
      cases++;
      if (await attack(frame)) inStep++;
      await stillServes();
    }), propertyParameters(300));
    expect(cases).toBeGreaterThanOrEqual(300);
    // A mutated request keeps its true frame length, so the broker can answer it and go on: about a third of
    // them do (the rest are refused by closing). Fewer than a tenth would mean a listener that closes on anything.
    expect(inStep, `${inStep} of ${cases} mutated requests left the stream in step`).toBeGreaterThan(cases / 10);
    expect(broker.store.logEndOffset('witness', 0)).toBe(witnessRecords);
    console.log(`Kafka fuzz, mutated requests: ${cases} cases, ${inStep} left the stream in step`);
  });
});
