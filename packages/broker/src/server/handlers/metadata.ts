import { isKlogError, resolveTopicConfig, type TopicConfig } from '@klog/log-core';
import { bool, strings } from '@klog/protocol';
import { toWireError } from '@klog/protocol';
import { isInternalTopic, type BrokerContext } from '../broker-context.js';

/** Kafka's names for the settings a topic reports; klog has one cleanup policy, delete (no compaction). */
const CONFIG_NAMES: [keyof TopicConfig, string][] = [
  ['retentionMs', 'retention.ms'], ['retentionBytes', 'retention.bytes'], ['segmentBytes', 'segment.bytes'],
  ['segmentMs', 'segment.ms'], ['maxBatchBytes', 'max.message.bytes'],
];

/** A topic's settings, each marked as the broker's default or the topic's own (it differs from the default). */
function configsOf(config: TopicConfig, defaults: TopicConfig): { name: string; value: string; isDefault: boolean }[] {
  return [
    ...CONFIG_NAMES.map(([key, name]) => ({ name, value: String(config[key]), isDefault: config[key] === defaults[key] })),
    { name: 'cleanup.policy', value: 'delete', isDefault: true },
  ];
}

/** Brokers (just this one), and topics with their partitions' start and end offsets and their settings. */
export async function metadata(req: Record<string, unknown>, ctx: BrokerContext): Promise<Record<string, unknown>> {
  const requested = req.topics === undefined || req.topics === null ? null : strings(req, 'topics', 'metadata');
  const allowAutoCreate = bool(req, 'allowAutoCreate', 'metadata', false);
  const names = requested ?? ctx.store.listTopics();
  const topics = [];
  const defaults = resolveTopicConfig({}, ctx.config.topicDefaults);
  for (const name of names) {
    try {
      await ctx.ensureTopic(name, allowAutoCreate);
      const d = ctx.store.describeTopic(name);
      topics.push({
        name,
        internal: isInternalTopic(name),
        partitions: d.partitions.map((p) => ({ partition: p.partition, logStartOffset: p.logStartOffset, logEndOffset: p.logEndOffset })),
        configs: configsOf(d.config, defaults),
      });
    } catch (err) {
      if (!isKlogError(err)) throw err;
      topics.push({ name, partitions: [], ...toWireError(err) });
    }
  }
  const { host, port } = ctx.address();
  return { brokers: [{ nodeId: 0, host, port }], controllerId: 0, topics };
}
