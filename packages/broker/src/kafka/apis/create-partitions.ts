import { checkNotInternal, growTopic } from '../../services/topic-admin.js';
import { KafkaError } from '../error-codes.js';
import { defineKafkaApi, NODE_ID, type KafkaRequestContext } from '../kafka-api.js';
import { createPartitionsRequest, createPartitionsResponse } from '../messages/create-partitions.js';
import type { Infer } from '../schema/schema.js';
import { Refusal, refusalOf } from './topic-answers.js';

type TopicRequest = Infer<typeof createPartitionsRequest>['topics'][number];
type TopicResult = Infer<typeof createPartitionsResponse>['results'][number];

/**
 * CreatePartitions v0-v3 (v2+ flexible; v3 is v2 allowing throttling). A topic grows to `count` partitions;
 * keyed records then map by the new count, as with Kafka. A count that does not grow is INVALID_PARTITIONS, a
 * topic named twice INVALID_REQUEST; assignments, when given, must put each new partition on this node alone.
 * Growing is the native createPartitions' (services/topic-admin.ts); running native groups rebalance onto the
 * new partitions.
 */
export const createPartitionsApi = defineKafkaApi({
  key: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  request: createPartitionsRequest,
  response: createPartitionsResponse,
  async handle(request, _version, ctx) {
    const seen = new Map<string, number>();
    for (const t of request.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    const results: TopicResult[] = [];
    for (const t of request.topics) {
      results.push((seen.get(t.name) ?? 0) > 1
        ? { name: t.name, errorCode: KafkaError.INVALID_REQUEST, errorMessage: `topic ${t.name} is named more than once` }
        : await growOne(t, request.validateOnly, ctx));
    }
    if (!request.validateOnly) ctx.broker.topicsChanged();
    return { throttleTimeMs: 0, results };
  },
  errorResponse: (request, _version, errorCode) => ({
    throttleTimeMs: 0,
    results: request.topics.map((t) => ({ name: t.name, errorCode, errorMessage: null })),
  }),
});

async function growOne(t: TopicRequest, validateOnly: boolean, ctx: KafkaRequestContext): Promise<TopicResult> {
  const { store, logger } = ctx.broker;
  try {
    checkNotInternal(t.name, 'the broker\'s topics keep their partitions');
    const current = store.partitionCount(t.name);
    if (t.count <= current) {
      throw new Refusal(KafkaError.INVALID_PARTITIONS, `topic ${t.name} has ${current} partitions; the new count must be larger, got ${t.count}`);
    }
    if (t.assignments !== null
      && (t.assignments.length !== t.count - current || t.assignments.some((a) => a.brokerIds.length !== 1 || a.brokerIds[0] !== NODE_ID))) {
      throw new Refusal(KafkaError.INVALID_REPLICA_ASSIGNMENT,
        `assignments must name broker ${NODE_ID} alone for each of the ${t.count - current} new partitions`);
    }
    await growTopic(ctx.broker, t.name, t.count, { validateOnly, protocol: 'kafka' });
    return { name: t.name, errorCode: KafkaError.NONE, errorMessage: null };
  } catch (err) {
    const { errorCode, message } = refusalOf(err, logger, 'CreatePartitions', t.name);
    return { name: t.name, errorCode, errorMessage: message };
  }
}
