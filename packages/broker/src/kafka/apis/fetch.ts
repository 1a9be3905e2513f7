import { pollPartitions, type PartitionRead } from '../../services/fetch-poll.js';
import { KafkaError, kafkaErrorCode } from '../error-codes.js';
import { defineKafkaApi } from '../kafka-api.js';
import { fetchRequest, fetchResponse } from '../messages/fetch.js';
import { NO_LEADER } from '../messages/shared-structs.js';
import type { Infer } from '../schema/schema.js';

type FetchRequest = Infer<typeof fetchRequest>;
type FetchResponse = Infer<typeof fetchResponse>;
type PartitionAnswer = FetchResponse['responses'][number]['partitions'][number];

/** Longest long-poll honoured; Kafka clients ask for 0.5-5 s. */
const MAX_WAIT_MS = 60_000;
/** Fetch sessions (KIP-227) start at v7; session id 0 in an answer means "no session was made". */
const FIRST_SESSION_VERSION = 7;
const NO_SESSION = 0;
/** Epochs of a full (sessionless) fetch: 0 asks for a new session, -1 for none. Anything else is incremental. */
const FULL_FETCH_EPOCHS = new Set([0, -1]);

/**
 * Fetch v4-v12: stored batches straight from the segment files, with the long-poll the native fetch uses.
 * Sessionless: every fetch is a full one and is answered with session id 0, which every client accepts as "no
 * session"; an incremental fetch (a session klog never gave) gets FETCH_SESSION_ID_NOT_FOUND and the client
 * falls back to full fetches. No transactions exist, so the last stable offset is the high watermark (librdkafka
 * treats it as the end of the partition) and aborted_transactions is empty; records are never null
 * (kafka-python cannot read a null). Leader epochs, rack and forgotten topics are not used by a single node.
 */
export const fetchApi = defineKafkaApi({
  key: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 12,
  request: fetchRequest,
  response: fetchResponse,
  async handle(request, version, ctx) {
    if (version >= FIRST_SESSION_VERSION && (request.sessionId !== NO_SESSION || !FULL_FETCH_EPOCHS.has(request.sessionEpoch))) {
      return errorResponse(request, version, KafkaError.FETCH_SESSION_ID_NOT_FOUND);
    }
    const limits = {
      maxWaitMs: clamp(request.maxWaitMs, 0, MAX_WAIT_MS),
      minBytes: Math.max(0, request.minBytes),
      maxBytes: Math.max(1, request.maxBytes),
    };
    const wanted: PartitionRead[] = request.topics.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: p.fetchOffset, maxBytes: Math.max(1, p.partitionMaxBytes) })));
    const results = await pollPartitions(wanted, limits, ctx.broker, ctx.closed);

    let next = 0;
    const responses = request.topics.map((t) => ({
      topic: t.topic,
      topicId: t.topicId,
      partitions: t.partitions.map((): PartitionAnswer => {
        const r = results[next++];
        if (r.error) return partition(r.partition, kafkaErrorCode(r.error));
        const end = r.highWatermark ?? -1;
        return { ...partition(r.partition, KafkaError.NONE), highWatermark: end, lastStableOffset: end, logStartOffset: r.logStartOffset ?? -1, records: r.records };
      }),
    }));
    return { throttleTimeMs: 0, errorCode: KafkaError.NONE, sessionId: NO_SESSION, responses, nodeEndpoints: [] };
  },
  errorResponse,
});

/**
 * The whole fetch refused: from v7 in the top-level error code with no partitions (as Kafka answers), before
 * that in every partition.
 */
function errorResponse(request: FetchRequest, version: number, errorCode: number): FetchResponse {
  const sessionLevel = version >= FIRST_SESSION_VERSION;
  const responses = sessionLevel ? [] : request.topics.map((t) => ({
    topic: t.topic,
    topicId: t.topicId,
    partitions: t.partitions.map((p) => partition(p.partition, errorCode)),
  }));
  return { throttleTimeMs: 0, errorCode: sessionLevel ? errorCode : KafkaError.NONE, sessionId: NO_SESSION, responses, nodeEndpoints: [] };
}

const EMPTY = Buffer.alloc(0);

function partition(partitionIndex: number, errorCode: number): PartitionAnswer {
  return {
    partitionIndex,
    errorCode,
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
    divergingEpoch: { epoch: -1, endOffset: -1 },
    currentLeader: { ...NO_LEADER },
    snapshotId: { endOffset: -1, epoch: -1 },
    abortedTransactions: [],
    preferredReadReplica: -1,
    records: EMPTY,
  };
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
