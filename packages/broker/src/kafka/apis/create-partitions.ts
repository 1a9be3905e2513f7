import { KlogError } from '@klog/log-core';
import { isInternalTopic } from '../../services/internal-topics.js';
import type { KafkaReader } from '../codec/reader.js';
import { KafkaError } from '../error-codes.js';
import { NODE_ID, type ClassicKafkaApi, type KafkaRequestContext } from '../kafka-api.js';
import { Refusal, topicDone, topicFailed, writeTopicAnswers, type TopicAnswer } from './topic-answers.js';

interface TopicRequest {
  name: string;
  count: number;
  assignments: number[][] | null;
}

/**
 * CreatePartitions v0-1 (the same on the wire; v2 is flexible). A topic grows to `count` partitions; keyed
 * records then map by the new count, as with Kafka. Assignments, when given, must put each new partition on
 * this node alone.
 */
export const createPartitionsApi: ClassicKafkaApi = {
  key: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 1,
  async handle(body, _version, ctx) {
    const topics = body.array(readTopic);
    body.int32(); // timeout_ms: growing is immediate
    const validateOnly = body.bool();
    const seen = new Map<string, number>();
    for (const t of topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    const answers: TopicAnswer[] = [];
    for (const t of topics) {
      answers.push((seen.get(t.name) ?? 0) > 1
        ? { name: t.name, errorCode: KafkaError.INVALID_REQUEST, message: `topic ${t.name} is named more than once` }
        : await growOne(t, validateOnly, ctx));
    }
    if (!validateOnly) ctx.broker.topicsChanged();
    return writeTopicAnswers(answers);
  },
};

function readTopic(r: KafkaReader): TopicRequest {
  return { name: r.string(), count: r.int32(), assignments: r.nullableArray((r) => r.array((r) => r.int32())) };
}

async function growOne(t: TopicRequest, validateOnly: boolean, ctx: KafkaRequestContext): Promise<TopicAnswer> {
  const { store, logger } = ctx.broker;
  try {
    if (isInternalTopic(t.name)) throw new KlogError('INVALID_TOPIC_NAME', `topic ${t.name} belongs to the broker; its partitions cannot change`);
    const current = store.partitionCount(t.name);
    if (t.count <= current) {
      throw new Refusal(KafkaError.INVALID_PARTITIONS, `topic ${t.name} has ${current} partitions; the new count must be larger, got ${t.count}`);
    }
    if (t.assignments !== null
      && (t.assignments.length !== t.count - current || t.assignments.some((a) => a.length !== 1 || a[0] !== NODE_ID))) {
      throw new Refusal(KafkaError.INVALID_REPLICA_ASSIGNMENT,
        `assignments must name broker ${NODE_ID} alone for each of the ${t.count - current} new partitions`);
    }
    if (!validateOnly) {
      await store.addPartitions(t.name, t.count);
      logger.info({ topic: t.name, partitions: t.count }, 'added partitions (kafka protocol)');
    }
    return topicDone(t.name);
  } catch (err) {
    return topicFailed(t.name, err, logger, 'CreatePartitions');
  }
}
