import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, toWireError, type RequestOf, type ResponseOf } from '@klog/protocol';
import type { BrokerContext } from '../broker-context.js';

/**
 * Offsets by time: timestamp -2 = earliest (log start), -1 = latest (log end), otherwise the first offset whose
 * record timestamp is >= the timestamp — or the log end when every record is older (start reading new ones).
 */
export async function listOffsets(req: RequestOf<'listOffsets'>, ctx: BrokerContext): Promise<ResponseOf<'listOffsets'>> {
  const topics: ResponseOf<'listOffsets'>['topics'] = [];
  for (const { topic, partitions: wanted } of req.topics) {
    const partitions: (typeof topics)[number]['partitions'] = [];
    for (const { partition, timestamp = LATEST_TIMESTAMP } of wanted) {
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
