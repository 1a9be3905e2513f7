import { isKlogError } from '@klog/log-core';
import { isInternalTopic } from '../../services/internal-topics.js';
import { ALL_CLUSTER_OPERATIONS, ALL_TOPIC_OPERATIONS, OPERATIONS_NOT_GIVEN } from '../authorized-operations.js';
import { KafkaError, kafkaErrorCode } from '../error-codes.js';
import { mayCreateTopic } from '../kafka-authorization.js';
import { defineKafkaApi, NODE_ID, type KafkaRequestContext } from '../kafka-api.js';
import { metadataRequest, metadataResponse } from '../messages/metadata.js';
import type { Infer } from '../schema/schema.js';

type MetadataRequest = Infer<typeof metadataRequest>;
type TopicAnswer = Infer<typeof metadataResponse>['topics'][number];

const CLUSTER_ID = 'klog';
const NO_ID = Buffer.alloc(16);
/** No leader epochs exist yet (no OffsetForLeaderEpoch): -1 tells clients not to fence on them. */
const NO_LEADER_EPOCH = -1;

/**
 * Metadata v0-v12. One broker (this one) leads every partition. A named topic that does not exist is created at
 * once when the request allows it (v0-v3 always do, v4+ say so in allow_auto_topic_creation), and answered as
 * ready: Kafka's LEADER_NOT_AVAILABLE pause would make kafka-python's producer (retries=0) lose records. v10+
 * carry each topic's persisted id; a topic asked for by id alone (null name) is looked up by it.
 */
export const metadataApi = defineKafkaApi({
  key: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  request: metadataRequest,
  response: metadataResponse,
  async handle(request, version, ctx) {
    // v0 has no null: there an empty list means all topics (v1+: null = all, empty = none).
    const all = request.topics === null || (version === 0 && request.topics.length === 0);
    const topics: TopicAnswer[] = [];
    if (all) {
      for (const name of ctx.broker.store.listTopics()) topics.push(await topicAnswer(ctx, name, false, request));
    } else {
      for (const t of request.topics ?? []) {
        topics.push(t.name === null ? await byId(ctx, t.topicId, request) : await topicAnswer(ctx, t.name, request.allowAutoTopicCreation, request));
      }
    }
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: NODE_ID, host: ctx.advertised.host, port: ctx.advertised.port, rack: null }],
      clusterId: CLUSTER_ID,
      controllerId: NODE_ID,
      topics,
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? ALL_CLUSTER_OPERATIONS : OPERATIONS_NOT_GIVEN,
    };
  },
  errorResponse: (request, _version, errorCode) => ({
    throttleTimeMs: 0,
    brokers: [],
    clusterId: null,
    controllerId: -1,
    topics: (request.topics ?? []).map((t) => ({ ...emptyTopic(t.name, t.topicId), errorCode })),
    clusterAuthorizedOperations: OPERATIONS_NOT_GIVEN,
  }),
});

async function topicAnswer(ctx: KafkaRequestContext, name: string, allowAutoCreate: boolean, request: MetadataRequest): Promise<TopicAnswer> {
  const { store } = ctx.broker;
  try {
    await ctx.broker.ensureTopic(name, allowAutoCreate && mayCreateTopic(ctx.broker.authorizer, ctx.principal, name));
    return {
      errorCode: KafkaError.NONE,
      name,
      topicId: store.topicId(name),
      isInternal: isInternalTopic(name),
      partitions: Array.from({ length: store.partitionCount(name) }, (_, p) => ({
        errorCode: KafkaError.NONE,
        partitionIndex: p,
        leaderId: NODE_ID,
        leaderEpoch: NO_LEADER_EPOCH,
        replicaNodes: [NODE_ID],
        isrNodes: [NODE_ID],
        offlineReplicas: [],
      })),
      topicAuthorizedOperations: request.includeTopicAuthorizedOperations ? ALL_TOPIC_OPERATIONS : OPERATIONS_NOT_GIVEN,
    };
  } catch (err) {
    if (!isKlogError(err)) throw err;
    return { ...emptyTopic(name, NO_ID), errorCode: kafkaErrorCode(err) };
  }
}

/** v10+ lookup by id: the topic of that id, or UNKNOWN_TOPIC_ID (topics are never created by id). */
async function byId(ctx: KafkaRequestContext, id: Buffer, request: MetadataRequest): Promise<TopicAnswer> {
  const name = ctx.broker.store.topicNameById(id);
  if (name === undefined) return { ...emptyTopic(null, id), errorCode: KafkaError.UNKNOWN_TOPIC_ID };
  return topicAnswer(ctx, name, false, request);
}

function emptyTopic(name: string | null, topicId: Buffer): TopicAnswer {
  return { errorCode: KafkaError.NONE, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: OPERATIONS_NOT_GIVEN };
}
