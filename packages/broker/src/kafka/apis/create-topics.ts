import { KlogError, resolveTopicConfig, validateTopicName, type TopicConfig } from '@klog/log-core';
import { isInternalTopic } from '../../services/internal-topics.js';
import { topicConfigChange } from '../../services/topic-config-names.js';
import type { KafkaReader } from '../codec/reader.js';
import { KafkaError } from '../error-codes.js';
import { NODE_ID, type ClassicKafkaApi, type KafkaRequestContext } from '../kafka-api.js';
import { Refusal, topicDone, topicFailed, writeTopicAnswers, type TopicAnswer } from './topic-answers.js';

interface TopicRequest {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: { partition: number; brokers: number[] }[];
  configs: { name: string; value: string | null }[];
}

/**
 * CreateTopics v3-v4 (the same on the wire). -1 partitions or replication factor means the broker default
 * (kafkajs sends -1 when not told); a single node can only keep one replica.
 */
export const createTopicsApi: ClassicKafkaApi = {
  key: 19,
  name: 'CreateTopics',
  minVersion: 3,
  maxVersion: 4,
  async handle(body, _version, ctx) {
    const topics = body.array(readTopic);
    body.int32(); // timeout_ms: creation is immediate
    const validateOnly = body.bool();
    const answers: TopicAnswer[] = [];
    for (const t of topics) answers.push(await createOne(t, validateOnly, ctx));
    if (!validateOnly) ctx.broker.topicsChanged();
    return writeTopicAnswers(answers);
  },
};

function readTopic(r: KafkaReader): TopicRequest {
  return {
    name: r.string(),
    numPartitions: r.int32(),
    replicationFactor: r.int16(),
    assignments: r.array((r) => ({ partition: r.int32(), brokers: r.array((r) => r.int32()) })),
    configs: r.array((r) => ({ name: r.string(), value: r.nullableString() })),
  };
}

async function createOne(t: TopicRequest, validateOnly: boolean, ctx: KafkaRequestContext): Promise<TopicAnswer> {
  const { broker } = ctx;
  try {
    validateTopicName(t.name);
    if (isInternalTopic(t.name)) throw new KlogError('INVALID_TOPIC_NAME', `topic names starting with "__" are reserved for the broker (${t.name})`);
    const config = topicConfig(t, broker.config.defaultPartitions);
    if (validateOnly) {
      if (broker.store.hasTopic(t.name)) throw new KlogError('TOPIC_EXISTS', `topic ${t.name} already exists`);
      resolveTopicConfig(config, broker.config.topicDefaults);
    } else {
      await broker.store.createTopic(t.name, config);
      broker.logger.info({ topic: t.name, ...config }, 'created topic (kafka protocol)');
    }
    return topicDone(t.name);
  } catch (err) {
    return topicFailed(t.name, err, broker.logger, 'CreateTopics');
  }
}

function topicConfig(t: TopicRequest, defaultPartitions: number): Partial<TopicConfig> {
  if (t.replicationFactor !== -1 && t.replicationFactor !== 1) {
    throw new Refusal(KafkaError.INVALID_REPLICATION_FACTOR, `replication factor ${t.replicationFactor}: a single klog broker keeps exactly one replica`);
  }
  let partitions = t.numPartitions === -1 ? defaultPartitions : t.numPartitions;
  if (t.assignments.length > 0) {
    if (t.numPartitions !== -1 || t.assignments.some((a, i) => a.partition !== i || a.brokers.length !== 1 || a.brokers[0] !== NODE_ID)) {
      throw new Refusal(KafkaError.INVALID_REPLICA_ASSIGNMENT, `manual assignments must place partitions 0..n-1 on broker ${NODE_ID} only`);
    }
    partitions = t.assignments.length;
  }
  if (partitions < 1) throw new Refusal(KafkaError.INVALID_PARTITIONS, `number of partitions must be at least 1, got ${t.numPartitions}`);
  const config: Partial<TopicConfig> = { partitions };
  for (const c of t.configs) Object.assign(config, topicConfigChange(c.name, c.value));
  return config;
}
