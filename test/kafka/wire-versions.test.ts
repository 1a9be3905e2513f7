// The Kafka listener across the versions it serves, over a real socket: flexible requests and answers, what
// each version adds or refuses (old Produce message sets, transactions, zstd before v7, fetch sessions, topic
// ids), and versions above the served range answered with UNSUPPORTED_VERSION on a connection that stays open.
import { decodeBatch, encodeBatch, iterateBatches } from '@klog/log-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KAFKA_APIS } from '../../packages/broker/src/kafka/api-registry.js';
import { fetchApi } from '../../packages/broker/src/kafka/apis/fetch.js';
import { metadataApi } from '../../packages/broker/src/kafka/apis/metadata.js';
import { produceApi } from '../../packages/broker/src/kafka/apis/produce.js';
import { isSchemaApi } from '../../packages/broker/src/kafka/kafka-api.js';
import { defaultOf } from '../../packages/broker/src/kafka/schema/defaults.js';
import type { Fields } from '../../packages/broker/src/kafka/schema/schema.js';
import { API, bodies, RawKafka, requestFrame } from './raw-kafka.js';
import { removeTempDirs, startKafkaBroker, type KafkaBroker } from './kafka-fixture.js';
import { callApi } from './schema-call.js';

afterAll(removeTempDirs);

const NO_ID = Buffer.alloc(16);
const UNSUPPORTED_VERSION = 35;

const batchOf = (...values: string[]) => encodeBatch(values.map((v) => ({ value: Buffer.from(v) })));

function produce(topic: string, records: Buffer | null, transactionalId: string | null = null) {
  return { transactionalId, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] };
}

function fetchFrom(topic: string, offset: number, session = { sessionId: 0, sessionEpoch: -1 }) {
  return {
    clusterId: null, replicaId: -1, replicaState: { replicaId: -1, replicaEpoch: -1 }, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20,
    isolationLevel: 0, ...session,
    topics: [{
      topic, topicId: NO_ID,
      partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20, replicaDirectoryId: NO_ID }],
    }],
    forgottenTopicsData: [], rackId: '',
  };
}

describe('Kafka listener versions', () => {
  let broker: KafkaBroker;
  let conn: RawKafka;
  beforeAll(async () => {
    broker = await startKafkaBroker();
    conn = await RawKafka.open(broker.kafkaPort);
  });
  afterAll(async () => {
    conn?.close();
    await broker?.close();
  });

  const partitionOf = (answer: Awaited<ReturnType<typeof callApi<typeof produceApi.request, typeof produceApi.response>>>) =>
    answer!.responses[0].partitionResponses[0];

  it('answers Produce v0-v2 (old message sets) with UNSUPPORTED_VERSION per partition and stores nothing', async () => {
    for (const version of [0, 1, 2]) {
      expect(partitionOf(await callApi(conn, produceApi, version, produce('old-formats', batchOf('x')))).errorCode).toBe(UNSUPPORTED_VERSION);
    }
    expect(broker.store.hasTopic('old-formats')).toBe(false);
  });

  it('refuses a transactional produce (53) and zstd batches below v7 (76)', async () => {
    const tx = partitionOf(await callApi(conn, produceApi, 3, produce('refusals', batchOf('x'), 'my-tx')));
    expect(tx.errorCode).toBe(53);
    const zstd = batchOf('z');
    zstd.writeInt16BE(zstd.readInt16BE(21) | 4, 21); // codec bits = zstd; refused before the CRC is looked at
    const old = partitionOf(await callApi(conn, produceApi, 6, produce('refusals', zstd)));
    expect(old.errorCode).toBe(76);
    expect(partitionOf(await callApi(conn, produceApi, 7, produce('refusals', zstd))).errorCode).not.toBe(76);
    expect(broker.store.hasTopic('refusals') ? broker.store.logEndOffset('refusals', 0) : 0).toBe(0);
  });

  it('produces with flexible v9-v11 (compact records), reads back with flexible Fetch v12, and reports log_start_offset and messages', async () => {
    const sent = [batchOf('a', 'b'), batchOf('c'), batchOf('d')];
    for (const [i, version] of [9, 10, 11].entries()) {
      const p = partitionOf(await callApi(conn, produceApi, version, produce('flexible', sent[i])));
      expect(p).toMatchObject({ errorCode: 0, baseOffset: [0, 2, 3][i], logStartOffset: 0, errorMessage: null, recordErrors: [] });
    }
    const f = (await callApi(conn, fetchApi, 12, fetchFrom('flexible', 0)))!;
    expect(f.sessionId).toBe(0);
    const part = f.responses[0].partitions[0];
    expect(part).toMatchObject({ errorCode: 0, highWatermark: 4, lastStableOffset: 4, logStartOffset: 0, abortedTransactions: [], preferredReadReplica: -1 });
    const fetched = [...iterateBatches(part.records!)].flatMap(({ pos }) => decodeBatch(part.records!, pos).records);
    expect(fetched.map((r) => [r.offset, r.value?.toString()])).toEqual([[0, 'a'], [1, 'b'], [2, 'c'], [3, 'd']]);

    const missing = partitionOf(await callApi(conn, produceApi, 8, { ...produce('flexible', batchOf('e')), topicData: [{ name: 'flexible', partitionData: [{ index: 7, records: batchOf('e') }] }] }));
    expect(missing.errorCode).toBe(3);
    expect(missing.errorMessage).toMatch(/partition 7/);
  });

  it('answers an incremental fetch (a session klog never gave) with FETCH_SESSION_ID_NOT_FOUND, and serves full ones sessionless', async () => {
    const f = (await callApi(conn, fetchApi, 7, fetchFrom('flexible', 0, { sessionId: 42, sessionEpoch: 3 })))!;
    expect(f.errorCode).toBe(70);
    expect(f.responses).toEqual([]);
    const full = (await callApi(conn, fetchApi, 7, fetchFrom('flexible', 0, { sessionId: 0, sessionEpoch: 0 })))!;
    expect(full.errorCode).toBe(0);
    expect(full.sessionId).toBe(0);
  });

  it('gives each topic its persisted id in Metadata v10+, and looks topics up by id in v12', async () => {
    await broker.store.createTopic('by-id', { partitions: 2 });
    const id = broker.store.topicId('by-id');
    const named = (await callApi(conn, metadataApi, 10, {
      topics: [{ topicId: NO_ID, name: 'by-id' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false,
    }))!;
    expect(named.topics[0].topicId).toEqual(id);
    expect(named.controllerId).toBe(0);
    const unknown = Buffer.alloc(16, 7);
    const looked = (await callApi(conn, metadataApi, 12, {
      topics: [{ topicId: id, name: null }, { topicId: unknown, name: null }], allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: true,
    }))!;
    expect(looked.topics.map((t) => [t.name, t.errorCode, t.partitions.length])).toEqual([['by-id', 0, 2], [null, 100, 0]]);
    expect(looked.topics[0].topicAuthorizedOperations).toBeGreaterThan(0);
  });

  it('answers every schema API one version above its range with UNSUPPORTED_VERSION and keeps the connection; beyond Kafka it closes', async () => {
    for (const api of KAFKA_APIS.filter(isSchemaApi)) {
      const above = api.maxVersion + 1;
      if (above > api.request.validVersions[1]) continue;
      const answer = await callApi(conn, api, above, sampleRequest(api.request.fields));
      expect(JSON.stringify(answer), `${api.name} v${above}`).toMatch(/"errorCode":35/);
    }
    expect((await conn.call(API.API_VERSIONS, 0, bodies.apiVersions())).int16()).toBe(0);

    const doomed = await RawKafka.open(broker.kafkaPort);
    doomed.write(requestFrame(API.METADATA, 13, 1, Buffer.alloc(0)));
    expect(await doomed.next()).toBeNull();
  });
});

/** A request whose every field holds its default, plus one element in each array: enough for an error answer. */
function sampleRequest(fields: Fields): never {
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(fields)) {
    out[name] = f.type.kind === 'array' && f.type.items.kind === 'struct' ? [sampleRequest(f.type.items.fields)] : defaultOf(f);
  }
  return out as never;
}
