import { KlogError } from '@klog/log-core';
import { kafkaTopicConfigs, type KafkaTopicConfigEntry } from '../../services/topic-config-names.js';
import type { KafkaReader } from '../codec/reader.js';
import { KafkaWriter } from '../codec/writer.js';
import { failedResource, isThisBroker, readResourceHead, ResourceRefusal, ResourceType, topicDefaults } from '../config-resources.js';
import { KafkaError } from '../error-codes.js';
import { NODE_ID, type ClassicKafkaApi, type KafkaRequestContext } from '../kafka-api.js';

/** config_source on the wire (v1+): the topic's own setting, or the default. */
const Source = { TOPIC_CONFIG: 1, DEFAULT_CONFIG: 5 } as const;

/** config_type on the wire (v3+), by Kafka name: what a UI needs to edit the value. */
const CONFIG_TYPES: Record<string, number> = {
  'retention.ms': 5, 'retention.bytes': 5, 'segment.ms': 5, 'segment.bytes': 3, 'max.message.bytes': 3, 'cleanup.policy': 7,
  'min.compaction.lag.ms': 5, 'delete.retention.ms': 5, 'min.cleanable.dirty.ratio': 6,
};

interface ResourceRequest {
  type: number;
  name: string;
  keys: string[] | null;
}

interface ResourceResult {
  errorCode: number;
  errorMessage: string | null;
  type: number;
  name: string;
  configs: KafkaTopicConfigEntry[];
}

/**
 * DescribeConfigs v0-3 (the classic encoding; v4 is flexible). A topic answers with its settings under Kafka
 * names; this broker (its id, or "" for the cluster) with none, since its settings are start options. v0 marks
 * defaults with is_default, v1+ with config_source and (when asked) one synonym, v3 adds config_type.
 */
export const describeConfigsApi: ClassicKafkaApi = {
  key: 32,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 3,
  async handle(body, version, ctx) {
    const resources = body.array((r): ResourceRequest => ({ ...readResourceHead(r), keys: r.nullableArray((r) => r.string()) }));
    const includeSynonyms = version >= 1 ? body.bool() : false;
    if (version >= 3) body.bool(); // include_documentation: klog has none to give
    const results = resources.map((res) => describeOne(res, ctx));
    return new KafkaWriter().int32(0).array(results, (w, res) => {
      w.int16(res.errorCode).nullableString(res.errorMessage).int8(res.type).string(res.name);
      w.array(res.configs, (w, c) => writeEntry(w, c, version, includeSynonyms));
    });
  },
};

function describeOne(res: ResourceRequest, ctx: KafkaRequestContext): ResourceResult {
  try {
    const configs = configsOf(res, ctx).filter((c) => res.keys === null || res.keys.includes(c.name));
    return { errorCode: KafkaError.NONE, errorMessage: null, type: res.type, name: res.name, configs };
  } catch (err) {
    return { ...failedResource(err, res.type, res.name, ctx, 'DescribeConfigs'), configs: [] };
  }
}

function configsOf(res: ResourceRequest, ctx: KafkaRequestContext): KafkaTopicConfigEntry[] {
  if (res.type === ResourceType.TOPIC) {
    if (!ctx.broker.store.hasTopic(res.name)) throw new KlogError('UNKNOWN_TOPIC', `topic ${JSON.stringify(res.name)} does not exist`);
    return kafkaTopicConfigs(ctx.broker.store.describeTopic(res.name).config, topicDefaults(ctx));
  }
  if (res.type === ResourceType.BROKER) {
    if (!isThisBroker(res.name)) throw new ResourceRefusal(KafkaError.INVALID_REQUEST, `broker ${res.name} is not this one (node ${NODE_ID})`);
    return [];
  }
  throw new ResourceRefusal(KafkaError.INVALID_REQUEST, `resource type ${res.type} is not supported (2 topic, 4 broker)`);
}

function writeEntry(w: KafkaWriter, c: KafkaTopicConfigEntry, version: number, includeSynonyms: boolean): void {
  w.string(c.name).nullableString(c.value).bool(false); // read_only: every topic setting can change
  const source = c.isDefault ? Source.DEFAULT_CONFIG : Source.TOPIC_CONFIG;
  if (version === 0) w.bool(c.isDefault);
  else w.int8(source);
  w.bool(false); // is_sensitive
  if (version >= 1) {
    const synonyms = includeSynonyms ? [{ name: c.name, value: c.value, source }] : [];
    w.array(synonyms, (w, s) => w.string(s.name).nullableString(s.value).int8(s.source));
  }
  if (version >= 3) w.int8(CONFIG_TYPES[c.name] ?? 2).nullableString(null);
}
