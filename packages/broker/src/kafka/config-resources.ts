import { KlogError, resolveTopicConfig, type TopicConfig } from '@klog/log-core';
import { isInternalTopic } from '../services/internal-topics.js';
import type { KafkaReader } from './codec/reader.js';
import { KafkaWriter } from './codec/writer.js';
import { KafkaError, reportedErrorCode } from './error-codes.js';
import { NODE_ID, type KafkaRequestContext } from './kafka-api.js';

/**
 * What DescribeConfigs, AlterConfigs and IncrementalAlterConfigs share: config resources (a topic, or this
 * broker), and altering a topic's settings from Kafka names. klog's settings are per topic; the broker's own
 * come from its start options and do not change at runtime.
 */
export const ResourceType = { TOPIC: 2, BROKER: 4 } as const;

export interface ResourceAnswer {
  errorCode: number;
  errorMessage: string | null;
  type: number;
  name: string;
}

/** A refusal with a Kafka code and no klog one. */
export class ResourceRefusal extends Error {
  constructor(readonly errorCode: number, message: string) {
    super(message);
  }
}

/** The broker's resource names this node answers to: its id, or "" for the cluster-wide defaults. */
export function isThisBroker(name: string): boolean {
  return name === '' || name === String(NODE_ID);
}

/** Every topic's defaults: the broker's topic defaults over the log's. */
export function topicDefaults(ctx: KafkaRequestContext): TopicConfig {
  return resolveTopicConfig({}, ctx.broker.config.topicDefaults);
}

/** The answer for one resource from an error (Kafka's code and the message; bugs are logged). */
export function failedResource(err: unknown, type: number, name: string, ctx: KafkaRequestContext, api: string): ResourceAnswer {
  const errorMessage = err instanceof Error ? err.message : String(err);
  if (err instanceof ResourceRefusal) return { errorCode: err.errorCode, errorMessage, type, name };
  return { errorCode: reportedErrorCode(err, ctx.broker.logger, { api, resource: name }), errorMessage, type, name };
}

/**
 * Alters one resource: for a topic, the changes `changesFor` computes from its current settings and the
 * defaults, validated (and with validateOnly, only validated); a broker resource cannot change.
 */
export async function alterResource(
  type: number, name: string, validateOnly: boolean, ctx: KafkaRequestContext, api: string,
  changesFor: (current: TopicConfig, defaults: TopicConfig) => Partial<TopicConfig>,
): Promise<ResourceAnswer> {
  try {
    if (type === ResourceType.BROKER) {
      throw new ResourceRefusal(KafkaError.INVALID_REQUEST,
        'a klog broker\'s settings come from its start options and cannot change at runtime; topic settings can');
    }
    if (type !== ResourceType.TOPIC) throw new ResourceRefusal(KafkaError.INVALID_REQUEST, `resource type ${type} is not supported (2 topic)`);
    if (isInternalTopic(name)) throw new KlogError('INVALID_TOPIC_NAME', `topic ${name} belongs to the broker; its settings cannot change`);
    const { store, logger } = ctx.broker;
    const current = store.describeTopic(name).config;
    const changes = changesFor(current, topicDefaults(ctx));
    if (validateOnly) {
      resolveTopicConfig(changes, current);
    } else {
      await store.alterTopicConfig(name, changes);
      logger.info({ topic: name, ...changes }, 'changed topic settings (kafka protocol)');
    }
    return { errorCode: KafkaError.NONE, errorMessage: null, type, name };
  } catch (err) {
    return failedResource(err, type, name, ctx, api);
  }
}

/** The answer of AlterConfigs and IncrementalAlterConfigs (v0-1 and v0 are the same on the wire). */
export function writeAlterAnswers(answers: ResourceAnswer[]): KafkaWriter {
  return new KafkaWriter().int32(0).array(answers, (w, a) => w.int16(a.errorCode).nullableString(a.errorMessage).int8(a.type).string(a.name));
}

/** A resource's type and name, the head of each resource in all three requests. */
export function readResourceHead(r: KafkaReader): { type: number; name: string } {
  return { type: r.int8(), name: r.string() };
}
