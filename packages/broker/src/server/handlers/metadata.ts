import { isKlogError, resolveTopicConfig } from '@klog/log-core';
import { toWireError, type RequestOf, type ResponseOf } from '@klog/protocol';
import { kafkaTopicConfigs } from '../../services/topic-config-names.js';
import { isInternalTopic, type BrokerContext } from '../broker-context.js';

/** Brokers (just this one), and topics with their partitions' start and end offsets and their settings. */
export async function metadata(req: RequestOf<'metadata'>, ctx: BrokerContext): Promise<ResponseOf<'metadata'>> {
  const names = req.topics ?? ctx.store.listTopics();
  const topics: ResponseOf<'metadata'>['topics'] = [];
  const defaults = resolveTopicConfig({}, ctx.config.topicDefaults);
  for (const name of names) {
    try {
      await ctx.ensureTopic(name, req.allowAutoCreate ?? false);
      const d = ctx.store.describeTopic(name);
      topics.push({
        name,
        internal: isInternalTopic(name),
        // Producers size their batches to fit: a batch over this is rejected whole.
        maxBatchBytes: d.config.maxBatchBytes,
        partitions: d.partitions.map((p) => ({ partition: p.partition, logStartOffset: p.logStartOffset, logEndOffset: p.logEndOffset })),
        configs: kafkaTopicConfigs(d.config, defaults),
      });
    } catch (err) {
      if (!isKlogError(err)) throw err;
      topics.push({ name, internal: isInternalTopic(name), partitions: [], ...toWireError(err, ctx.logger) });
    }
  }
  const { host, port } = ctx.address();
  return { brokers: [{ nodeId: 0, host, port }], controllerId: 0, topics };
}
