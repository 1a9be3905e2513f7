import { KlogError } from '@klog/log-core';
import { toWireError, type RequestOf, type ResponseOf } from '@klog/protocol';
import { appendReadersFirst } from '../../services/readers-first.js';
import { isInternalTopic, type BrokerContext } from '../broker-context.js';

/**
 * Appends the batches as they arrived (validated by the store: length, CRC, record count, size limit; only the
 * base offset is written). acks 0 gets no answer; 1 answers once written; -1 ('all') once flushed to disk.
 */
export async function produce(req: RequestOf<'produce'>, ctx: BrokerContext): Promise<ResponseOf<'produce'> | null> {
  const acks = req.acks ?? 1;
  const topics = await Promise.all(req.topics.map(async ({ topic, partitions: parts }) => {
    try {
      // Internal topics hold the broker's own state (e.g. __consumer_offsets, replayed at start): a client's
      // records there could stop the next start, so only the broker writes them.
      if (isInternalTopic(topic)) {
        throw new KlogError('INVALID_TOPIC_NAME', `topic ${topic} is internal to the broker and cannot be produced to`);
      }
      await ctx.ensureTopic(topic);
    } catch (err) {
      const e = toWireError(err, ctx.logger);
      return { topic, partitions: parts.map(({ partition }) => ({ partition, ...e })) };
    }
    const partitions = await Promise.all(parts.map(async ({ partition, batch }) => {
      try {
        const { baseOffset, lastOffset } = await appendReadersFirst(ctx.store, topic, partition, batch);
        ctx.metrics.produced(topic, lastOffset - baseOffset + 1, batch.length);
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
