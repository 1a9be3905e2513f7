import { KlogError } from '@klog/log-core';
import { bytes, int, objects, str } from '@klog/protocol';
import { toWireError } from '@klog/protocol';
import { isInternalTopic, type BrokerContext } from '../broker-context.js';

/**
 * Appends the batches as they arrived (validated by the store: length, CRC, record count, size limit; only the
 * base offset is written). acks 0 gets no answer; 1 answers once written; -1 ('all') once flushed to disk.
 */
export async function produce(req: Record<string, unknown>, ctx: BrokerContext): Promise<Record<string, unknown> | null> {
  const acks = int(req, 'acks', 'produce', { default: 1 });
  if (acks !== 0 && acks !== 1 && acks !== -1) {
    throw new KlogError('INVALID_REQUEST', `produce.acks must be 0, 1 or -1 ('all'), got ${acks}`);
  }
  const topics = await Promise.all(objects(req, 'topics', 'produce').map(async ([t, tPath]) => {
    const topic = str(t, 'topic', tPath);
    const parts = objects(t, 'partitions', tPath);
    try {
      // Internal topics hold the broker's own state (e.g. __consumer_offsets, replayed at start): a client's
      // records there could stop the next start, so only the broker writes them.
      if (isInternalTopic(topic)) {
        throw new KlogError('INVALID_TOPIC_NAME', `topic ${topic} is internal to the broker and cannot be produced to`);
      }
      await ctx.ensureTopic(topic);
    } catch (err) {
      const e = toWireError(err, ctx.logger);
      return { topic, partitions: parts.map(([p, pPath]) => ({ partition: int(p, 'partition', pPath), ...e })) };
    }
    const partitions = await Promise.all(parts.map(async ([p, pPath]) => {
      const partition = int(p, 'partition', pPath);
      try {
        const batch = bytes(p, 'batch', pPath);
        const { baseOffset, lastOffset } = await ctx.store.appendBatch(topic, partition, batch);
        if (acks === -1) await ctx.store.flushPartition(topic, partition);
        return { partition, baseOffset, lastOffset };
      } catch (err) {
        return { partition, ...toWireError(err, ctx.logger) };
      }
    }));
    return { topic, partitions };
  }));
  return acks === 0 ? null : { topics };
}
