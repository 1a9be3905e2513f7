import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '@klog/protocol';
import { int, objects, str } from '@klog/protocol';
import { toWireError } from '@klog/protocol';
import type { BrokerContext } from '../broker-context.js';

/**
 * Offsets by time: timestamp -2 = earliest (log start), -1 = latest (log end), otherwise the first offset whose
 * record timestamp is >= the timestamp — or the log end when every record is older (start reading new ones).
 */
export async function listOffsets(req: Record<string, unknown>, ctx: BrokerContext): Promise<Record<string, unknown>> {
  const topics = [];
  for (const [t, tPath] of objects(req, 'topics', 'listOffsets')) {
    const topic = str(t, 'topic', tPath);
    const partitions = [];
    for (const [p, pPath] of objects(t, 'partitions', tPath)) {
      const partition = int(p, 'partition', pPath);
      const timestamp = int(p, 'timestamp', pPath, { default: LATEST_TIMESTAMP, min: EARLIEST_TIMESTAMP });
      try {
        let offset: number;
        if (timestamp === EARLIEST_TIMESTAMP) offset = ctx.store.logStartOffset(topic, partition);
        else if (timestamp === LATEST_TIMESTAMP) offset = ctx.store.logEndOffset(topic, partition);
        else offset = (await ctx.store.offsetForTimestamp(topic, partition, timestamp)) ?? ctx.store.logEndOffset(topic, partition);
        partitions.push({ partition, offset });
      } catch (err) {
        partitions.push({ partition, ...toWireError(err, ctx.logger) });
      }
    }
    topics.push({ topic, partitions });
  }
  return { topics };
}
