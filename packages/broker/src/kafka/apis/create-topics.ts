import type { TopicConfig } from '@klog/log-core';
import { createTopic, topicDefaults } from '../../services/topic-admin.js';
import { kafkaTopicConfigs, topicConfigChange } from '../../services/topic-config-names.js';
import { ConfigSource } from '../config-resources.js';
import { KafkaError } from '../error-codes.js';
import { defineKafkaApi, NODE_ID, type KafkaRequestContext } from '../kafka-api.js';
import { createTopicsRequest, createTopicsResponse } from '../messages/create-topics.js';
import type { Infer } from '../schema/schema.js';
import { Refusal, refusalOf } from './topic-answers.js';

type CreateTopicsRequest = Infer<typeof createTopicsRequest>;
type TopicRequest = CreateTopicsRequest['topics'][number];
type TopicResult = Infer<typeof createTopicsResponse>['topics'][number];

const NO_ID = Buffer.alloc(16);
/** The replication factor of every klog topic: a single node keeps one replica. */
const REPLICATION_FACTOR = 1;

/**
 * CreateTopics v0-v7 (v1 validate_only and error_message, v2 throttle, v5+ flexible and answering each topic's
 * partitions, replication factor and settings, v7 its topic id). -1 partitions or replication factor means the
 * broker default (kafkajs sends -1 when not told, at v3 too); a single node keeps one replica. Names, settings and
 * refusals are checked as the native createTopics checks them (services/topic-admin.ts).
 */
export const createTopicsApi = defineKafkaApi({
  key: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 7,
  request: createTopicsRequest,
  response: createTopicsResponse,
  async handle(request, _version, ctx) {
    const topics: TopicResult[] = [];
    const seen = new Map<string, number>();
    for (const t of request.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    for (const t of request.topics) {
      topics.push((seen.get(t.name) ?? 0) > 1
        ? failed(t.name, KafkaError.INVALID_REQUEST, `topic ${t.name} is named more than once in the request`)
        : await createOne(t, request.validateOnly, ctx));
    }
    if (!request.validateOnly) ctx.broker.topicsChanged();
    return { throttleTimeMs: 0, topics };
  },
  errorResponse: (request, _version, errorCode) => ({ throttleTimeMs: 0, topics: request.topics.map((t) => failed(t.name, errorCode, null)) }),
});

function failed(name: string, errorCode: number, errorMessage: string | null): TopicResult {
  return {
    name, topicId: NO_ID, errorCode, errorMessage, topicConfigErrorCode: KafkaError.NONE, numPartitions: -1, replicationFactor: -1, configs: null,
  };
}

async function createOne(t: TopicRequest, validateOnly: boolean, ctx: KafkaRequestContext): Promise<TopicResult> {
  const { broker } = ctx;
  try {
    const config = await createTopic(broker, t.name, topicConfig(t, broker.config.defaultPartitions), { validateOnly, protocol: 'kafka' });
    const defaults = topicDefaults(broker);
    return {
      name: t.name,
      topicId: validateOnly ? NO_ID : broker.store.topicId(t.name),
      errorCode: KafkaError.NONE,
      errorMessage: null,
      topicConfigErrorCode: KafkaError.NONE,
      numPartitions: config.partitions,
      replicationFactor: REPLICATION_FACTOR,
      configs: kafkaTopicConfigs(config, defaults).map((c) => ({
        name: c.name, value: c.value, readOnly: false, configSource: c.isDefault ? ConfigSource.DEFAULT_CONFIG : ConfigSource.TOPIC_CONFIG, isSensitive: false,
      })),
    };
  } catch (err) {
    const { errorCode, message } = refusalOf(err, broker.logger, 'CreateTopics', t.name);
    return failed(t.name, errorCode, message);
  }
}

/** The settings a topic request asks for, refusing what a single klog node cannot do. */
function topicConfig(t: TopicRequest, defaultPartitions: number): Partial<TopicConfig> {
  if (t.replicationFactor !== -1 && t.replicationFactor !== REPLICATION_FACTOR) {
    throw new Refusal(KafkaError.INVALID_REPLICATION_FACTOR, `replication factor ${t.replicationFactor}: a single klog broker keeps exactly one replica`);
  }
  let partitions = t.numPartitions === -1 ? defaultPartitions : t.numPartitions;
  if (t.assignments.length > 0) {
    const ordered = [...t.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
    if (t.numPartitions !== -1 || t.replicationFactor !== -1
      || ordered.some((a, i) => a.partitionIndex !== i || a.brokerIds.length !== 1 || a.brokerIds[0] !== NODE_ID)) {
      throw new Refusal(KafkaError.INVALID_REPLICA_ASSIGNMENT,
        `manual assignments (with -1 partitions and replication factor) must place partitions 0..n-1 on broker ${NODE_ID} only`);
    }
    partitions = ordered.length;
  }
  if (partitions < 1) throw new Refusal(KafkaError.INVALID_PARTITIONS, `number of partitions must be at least 1, got ${t.numPartitions}`);
  const config: Partial<TopicConfig> = { partitions };
  for (const c of t.configs) Object.assign(config, topicConfigChange(c.name, c.value));
  return config;
}
