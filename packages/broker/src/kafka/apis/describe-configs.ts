import { KlogError } from '@klog/log-core';
import { kafkaTopicConfigs } from '../../services/topic-config-names.js';
import { ConfigSource, failedResource, isThisBroker, ResourceRefusal, ResourceType, topicDefaultsOf } from '../config-resources.js';
import { KafkaError } from '../error-codes.js';
import { defineKafkaApi, NODE_ID, type KafkaRequestContext } from '../kafka-api.js';
import { describeConfigsRequest, describeConfigsResponse } from '../messages/describe-configs.js';
import type { Infer } from '../schema/schema.js';

type DescribeConfigsRequest = Infer<typeof describeConfigsRequest>;
type ResourceRequest = DescribeConfigsRequest['resources'][number];
type ResourceResult = Infer<typeof describeConfigsResponse>['results'][number];
type ConfigEntry = ResourceResult['configs'][number];

/** config_type on the wire (v3+): what a UI needs to edit the value. */
const Type = { BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7 } as const;

/** Each setting klog reports: its config_type and the documentation v3+ gives when asked. */
const ABOUT: Record<string, { type: number; doc: string }> = {
  'retention.ms': { type: Type.LONG, doc: 'How long records are kept before old segments are deleted, in ms; -1: no time limit.' },
  'retention.bytes': { type: Type.LONG, doc: 'The size a partition may reach before its oldest segments are deleted; -1: no size limit.' },
  'segment.bytes': { type: Type.INT, doc: 'The size at which a partition starts a new segment file.' },
  'segment.ms': { type: Type.LONG, doc: 'The age at which a partition starts a new segment file, in ms.' },
  'max.message.bytes': { type: Type.INT, doc: 'The largest record batch the topic accepts, in bytes.' },
  'cleanup.policy': { type: Type.LIST, doc: 'delete (retention removes old segments), compact (the last record of each key is kept), or both.' },
  'min.compaction.lag.ms': { type: Type.LONG, doc: 'How long a record stays uncompacted after it is written, in ms.' },
  'delete.retention.ms': { type: Type.LONG, doc: 'How long a compacted topic keeps a tombstone (a null value), in ms.' },
  'min.cleanable.dirty.ratio': { type: Type.DOUBLE, doc: 'The share of a compacted log not yet compacted at which compaction runs.' },
  'min.insync.replicas': { type: Type.INT, doc: 'Fixed at 1: a klog broker is a single node with one replica per partition.' },
  'compression.type': { type: Type.STRING, doc: 'Fixed at producer: batches are stored as the producer compressed them.' },
  'message.timestamp.type': { type: Type.STRING, doc: 'Fixed at CreateTime: records keep the timestamp the producer gave them.' },
};

/** Settings Kafka tools show that are fixed in klog: read-only, at their default. */
const FIXED: readonly [string, string][] = [['min.insync.replicas', '1'], ['compression.type', 'producer'], ['message.timestamp.type', 'CreateTime']];

/**
 * DescribeConfigs v0-v4 (v4 flexible). A topic answers with its settings under Kafka names (and three Kafka tools
 * show that are fixed here, read-only); this broker (its id, or "" for the cluster) with none, since its
 * settings are start options. v0 marks defaults with is_default, v1+ with config_source (TOPIC_CONFIG 1 for the
 * topic's own, DEFAULT_CONFIG 5) and, when asked, the one synonym; v3+ config_type and, when asked, documentation.
 * Keys klog does not have are left out; an unknown topic is UNKNOWN_TOPIC_OR_PARTITION.
 */
export const describeConfigsApi = defineKafkaApi({
  key: 32,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 4,
  request: describeConfigsRequest,
  response: describeConfigsResponse,
  async handle(request, _version, ctx) {
    return { throttleTimeMs: 0, results: request.resources.map((res) => describeOne(res, request, ctx)) };
  },
  errorResponse: (request, _version, errorCode) => ({
    throttleTimeMs: 0,
    results: request.resources.map((r) => ({ errorCode, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] })),
  }),
});

function describeOne(res: ResourceRequest, request: DescribeConfigsRequest, ctx: KafkaRequestContext): ResourceResult {
  try {
    const configs = configsOf(res, request, ctx).filter((c) => res.configurationKeys === null || res.configurationKeys.includes(c.name));
    return { errorCode: KafkaError.NONE, errorMessage: null, resourceType: res.resourceType, resourceName: res.resourceName, configs };
  } catch (err) {
    return { ...failedResource(err, res.resourceType, res.resourceName, ctx, 'DescribeConfigs'), configs: [] };
  }
}

function configsOf(res: ResourceRequest, request: DescribeConfigsRequest, ctx: KafkaRequestContext): ConfigEntry[] {
  if (res.resourceType === ResourceType.TOPIC) {
    if (!ctx.broker.store.hasTopic(res.resourceName)) throw new KlogError('UNKNOWN_TOPIC', `topic ${JSON.stringify(res.resourceName)} does not exist`);
    const own = kafkaTopicConfigs(ctx.broker.store.describeTopic(res.resourceName).config, topicDefaultsOf(ctx))
      .map((c) => entry(c.name, c.value, c.isDefault, false, request));
    return [...own, ...FIXED.map(([name, value]) => entry(name, value, true, true, request))];
  }
  if (res.resourceType === ResourceType.BROKER) {
    if (!isThisBroker(res.resourceName)) throw new ResourceRefusal(KafkaError.INVALID_REQUEST, `broker ${res.resourceName} is not this one (node ${NODE_ID})`);
    return [];
  }
  throw new ResourceRefusal(KafkaError.INVALID_REQUEST, `resource type ${res.resourceType} is not supported (2 topic, 4 broker)`);
}

function entry(name: string, value: string, isDefault: boolean, readOnly: boolean, request: DescribeConfigsRequest): ConfigEntry {
  const configSource = isDefault ? ConfigSource.DEFAULT_CONFIG : ConfigSource.TOPIC_CONFIG;
  return {
    name,
    value,
    readOnly,
    isDefault,
    configSource,
    isSensitive: false,
    synonyms: request.includeSynonyms ? [{ name, value, source: configSource }] : [],
    configType: ABOUT[name]?.type ?? Type.STRING,
    documentation: request.includeDocumentation ? (ABOUT[name]?.doc ?? null) : null,
  };
}
