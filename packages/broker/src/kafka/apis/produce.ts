import { KlogError } from '@klog/log-core';
import { isInternalTopic } from '../../services/internal-topics.js';
import { appendReadersFirst } from '../../services/readers-first.js';
import { KafkaError, reportedErrorCode } from '../error-codes.js';
import { defineKafkaApi, type KafkaRequestContext } from '../kafka-api.js';
import { mayCreateTopic } from '../kafka-authorization.js';
import { produceRequest, produceResponse } from '../messages/produce.js';
import { NO_LEADER } from '../messages/shared-structs.js';
import { isZstdBatch, splitRecordSet } from '../record-set.js';
import type { Infer } from '../schema/schema.js';

type ProduceRequest = Infer<typeof produceRequest>;
type ProduceResponse = Infer<typeof produceResponse>;
type PartitionAnswer = ProduceResponse['responses'][number]['partitionResponses'][number];

/** The first version that carries RecordBatch v2 (magic 2), the only format klog stores. */
const FIRST_BATCH_V2_VERSION = 3;
/** Kafka allows zstd batches from this version on (older clients cannot read them back). */
const FIRST_ZSTD_VERSION = 7;

/**
 * Produce v0-v11. v0-v2 are advertised only because librdkafka 2.0.2 turns on gzip, snappy and lz4 when the
 * range holds v0; they carry the old message sets klog does not store, so they are answered UNSUPPORTED_VERSION,
 * as Kafka 4 does. From v3: each partition's batches are appended byte for byte by the store (which validates
 * them and assigns offsets); an unknown topic is auto-created like the native produce does. A transactional
 * produce is refused (klog serves no transactions), and zstd below v7. acks 0 gets no response at all: Kafka
 * clients do not read one, and an unexpected answer would desynchronise them.
 */
export const produceApi = defineKafkaApi({
  key: 0,
  name: 'Produce',
  minVersion: 0,
  maxVersion: 11,
  request: produceRequest,
  response: produceResponse,
  async handle(request, version, ctx) {
    const { acks } = request;
    let answer: ProduceResponse;
    if (version < FIRST_BATCH_V2_VERSION) answer = errorResponse(request, KafkaError.UNSUPPORTED_VERSION);
    else if (request.transactionalId !== null) answer = errorResponse(request, KafkaError.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    else if (acks !== 0 && acks !== 1 && acks !== -1) answer = errorResponse(request, KafkaError.INVALID_REQUIRED_ACKS);
    else answer = await appendAll(request, version, ctx);
    return acks === 0 ? null : answer;
  },
  errorResponse: (request, _version, errorCode) => errorResponse(request, errorCode),
});

function errorResponse(request: ProduceRequest, errorCode: number): ProduceResponse {
  return response(request.topicData.map((t) => ({ name: t.name, partitionResponses: t.partitionData.map((p) => failure(p.index, errorCode, null)) })));
}

async function appendAll(request: ProduceRequest, version: number, ctx: KafkaRequestContext): Promise<ProduceResponse> {
  const topics = [];
  for (const t of request.topicData) {
    const partitionResponses: PartitionAnswer[] = [];
    for (const p of t.partitionData) partitionResponses.push(await appendPartition(ctx, t.name, p.index, p.records, version, request.acks));
    topics.push({ name: t.name, partitionResponses });
  }
  return response(topics);
}

function response(responses: ProduceResponse['responses']): ProduceResponse {
  return { responses, throttleTimeMs: 0, nodeEndpoints: [] };
}

function failure(index: number, errorCode: number, errorMessage: string | null): PartitionAnswer {
  return {
    index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage,
    currentLeader: { ...NO_LEADER },
  };
}

async function appendPartition(ctx: KafkaRequestContext, topic: string, index: number, records: Buffer | null, version: number, acks: number): Promise<PartitionAnswer> {
  const { broker } = ctx;
  try {
    // Internal topics hold the broker's own state (__consumer_offsets): only the broker writes them, as in Kafka.
    if (isInternalTopic(topic)) throw new KlogError('INVALID_TOPIC_NAME', `topic ${topic} is internal to the broker and cannot be produced to`);
    const batches = splitRecordSet(records);
    if (version < FIRST_ZSTD_VERSION && batches.some(isZstdBatch)) {
      return failure(index, KafkaError.UNSUPPORTED_COMPRESSION_TYPE, `zstd batches need Produce v${FIRST_ZSTD_VERSION} or later; this request is v${version}`);
    }
    // A missing topic is created (when the broker auto-creates) only for a principal that may create it.
    await broker.ensureTopic(topic, mayCreateTopic(broker.authorizer, ctx.principal, topic));
    let baseOffset = -1;
    for (const batch of batches) {
      const appended = await appendReadersFirst(broker.store, topic, index, batch);
      broker.metrics.produced(topic, appended.lastOffset - appended.baseOffset + 1, batch.length);
      if (baseOffset < 0) baseOffset = appended.baseOffset;
    }
    if (acks === -1) await broker.store.flushPartition(topic, index);
    return { ...failure(index, KafkaError.NONE, null), baseOffset, logStartOffset: broker.store.logStartOffset(topic, index) };
  } catch (err) {
    const errorCode = reportedErrorCode(err, broker.logger, { topic, partition: index });
    return failure(index, errorCode, err instanceof KlogError ? err.message : null);
  }
}
