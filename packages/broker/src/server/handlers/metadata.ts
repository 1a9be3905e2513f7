import { isKlogError } from '@klog/log-core';
import { bool, strings } from '@klog/protocol';
import { toWireError } from '@klog/protocol';
import { isInternalTopic, type BrokerContext } from '../broker-context.js';

/** Brokers (just this one), and topics with their partitions' start and end offsets. */
export async function metadata(req: Record<string, unknown>, ctx: BrokerContext): Promise<Record<string, unknown>> {
  const requested = req.topics === undefined || req.topics === null ? null : strings(req, 'topics', 'metadata');
  const allowAutoCreate = bool(req, 'allowAutoCreate', 'metadata', false);
  const names = requested ?? ctx.store.listTopics();
  const topics = [];
  for (const name of names) {
    try {
      await ctx.ensureTopic(name, allowAutoCreate);
      const d = ctx.store.describeTopic(name);
      topics.push({
        name,
        internal: isInternalTopic(name),
        // Producers size their batches to fit: a batch over this is rejected whole.
        maxBatchBytes: d.config.maxBatchBytes,
        partitions: d.partitions.map((p) => ({ partition: p.partition, logStartOffset: p.logStartOffset, logEndOffset: p.logEndOffset })),
      });
    } catch (err) {
      if (!isKlogError(err)) throw err;
      topics.push({ name, partitions: [], ...toWireError(err) });
    }
  }
  const { host, port } = ctx.address();
  return { brokers: [{ nodeId: 0, host, port }], controllerId: 0, topics };
}
