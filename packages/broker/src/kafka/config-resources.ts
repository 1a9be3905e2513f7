import type { TopicConfig } from '@klog/log-core';
import { alterTopic, checkNotInternal, topicDefaults } from '../services/topic-admin.js';
import { KafkaError, reportedErrorCode } from './error-codes.js';
import { NODE_ID, type KafkaRequestContext } from './kafka-api.js';

/**
 * What DescribeConfigs, AlterConfigs and IncrementalAlterConfigs share: config resources (a topic, or this
 * broker), and altering a topic's settings from Kafka names. klog's settings are per topic; the broker's own
 * come from its start options and do not change at runtime.
 */
export const ResourceType = { TOPIC: 2, BROKER: 4 } as const;

/** config_source on the wire (DescribeConfigs v1+, CreateTopics v5+): the topic's own setting, or the default. */
export const ConfigSource = { TOPIC_CONFIG: 1, DEFAULT_CONFIG: 5 } as const;

/** One resource's outcome, as the three APIs answer it (a type, not an interface: it is a schema value). */
export type ResourceAnswer = {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
};

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
export function topicDefaultsOf(ctx: KafkaRequestContext): TopicConfig {
  return topicDefaults(ctx.broker);
}

/** The answer for one resource from an error (Kafka's code and the message; bugs are logged). */
export function failedResource(err: unknown, resourceType: number, resourceName: string, ctx: KafkaRequestContext, api: string): ResourceAnswer {
  const errorMessage = err instanceof Error ? err.message : String(err);
  if (err instanceof ResourceRefusal) return { errorCode: err.errorCode, errorMessage, resourceType, resourceName };
  return { errorCode: reportedErrorCode(err, ctx.broker.logger, { api, resource: resourceName }), errorMessage, resourceType, resourceName };
}

/**
 * Alters one resource: for a topic, the changes `changesFor` computes from its current settings and the
 * defaults, validated as the native alterTopicConfigs validates them (services/topic-admin.ts), and with
 * validateOnly only validated; a broker resource cannot change.
 */
export async function alterResource(
  resourceType: number, resourceName: string, validateOnly: boolean, ctx: KafkaRequestContext, api: string,
  changesFor: (current: TopicConfig, defaults: TopicConfig) => Partial<TopicConfig>,
): Promise<ResourceAnswer> {
  try {
    if (resourceType === ResourceType.BROKER) {
      throw new ResourceRefusal(KafkaError.INVALID_REQUEST,
        'a klog broker\'s settings come from its start options and cannot change at runtime; topic settings can');
    }
    if (resourceType !== ResourceType.TOPIC) throw new ResourceRefusal(KafkaError.INVALID_REQUEST, `resource type ${resourceType} is not supported (2 topic)`);
    checkNotInternal(resourceName, 'the broker\'s topics keep their settings');
    const current = ctx.broker.store.describeTopic(resourceName).config;
    await alterTopic(ctx.broker, resourceName, changesFor(current, topicDefaultsOf(ctx)), { validateOnly, protocol: 'kafka' });
    return { errorCode: KafkaError.NONE, errorMessage: null, resourceType, resourceName };
  } catch (err) {
    return failedResource(err, resourceType, resourceName, ctx, api);
  }
}
