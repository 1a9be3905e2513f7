import { KlogError, WaitForFirst } from '@klog/log-core';
import type { BrokerServices } from './broker-services.js';
import { tallyBatches } from './batch-tally.js';

/** One partition a fetch asks for. */
export interface PartitionRead {
  topic: string;
  partition: number;
  offset: number;
  maxBytes: number;
}

/** What a fetch found for one partition: stored batches byte for byte, or the error that stopped it. */
export interface PartitionData {
  topic: string;
  partition: number;
  records: Buffer;
  highWatermark?: number;
  logStartOffset?: number;
  error?: KlogError;
}

export interface PollLimits {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
}

const EMPTY = Buffer.alloc(0);

/**
 * The fetch long-poll shared by the native and the Kafka listener: reads whole stored batches for each
 * partition from its offset; when fewer than minBytes are available, waits up to maxWaitMs for appends to any
 * of the partitions (ending early when the connection closes or the broker shuts down).
 */
export async function pollPartitions(wanted: PartitionRead[], limits: PollLimits, ctx: BrokerServices, closed: AbortSignal): Promise<PartitionData[]> {
  const deadline = Date.now() + limits.maxWaitMs;
  for (;;) {
    const { results, bytes } = await readAll(wanted, limits.maxBytes, ctx);
    const remaining = deadline - Date.now();
    if (bytes >= limits.minBytes || remaining <= 0 || closed.aborted || ctx.shutdown.signal.aborted) {
      for (const r of results) {
        if (r.records.length === 0) continue;
        const { records, bytes: size } = tallyBatches(r.records);
        ctx.metrics.fetched(r.topic, records, size);
      }
      return results;
    }
    await waitForAny(wanted, results, remaining, ctx, closed);
  }
}

async function readAll(wanted: PartitionRead[], maxBytes: number, ctx: BrokerServices) {
  let bytes = 0;
  const results: PartitionData[] = [];
  for (const w of wanted) {
    try {
      const budget = Math.min(w.maxBytes, Math.max(1, maxBytes - bytes));
      // The first partition always gets its first batch, even if larger than the budget, so no reader is stuck.
      const r = bytes >= maxBytes ? null : await ctx.store.readBatches(w.topic, w.partition, { offset: w.offset, maxBytes: budget });
      const records = r?.data ?? EMPTY;
      bytes += records.length;
      results.push({
        topic: w.topic, partition: w.partition, records,
        highWatermark: r?.highWatermark ?? ctx.store.logEndOffset(w.topic, w.partition),
        logStartOffset: r?.logStartOffset ?? ctx.store.logStartOffset(w.topic, w.partition),
      });
    } catch (err) {
      if (!(err instanceof KlogError)) throw err;
      results.push({ topic: w.topic, partition: w.partition, records: EMPTY, error: err });
    }
  }
  return { results, bytes };
}

function waitForAny(wanted: PartitionRead[], results: PartitionData[], timeoutMs: number, ctx: BrokerServices, closed: AbortSignal): Promise<void> {
  const wait = new WaitForFirst();
  wait.addSignal(closed);
  wait.addSignal(ctx.shutdown.signal);
  // Wait for the end of each partition to move past what was just seen (not past the offset asked for:
  // data may be there already, just fewer bytes of it than minBytes).
  wanted.forEach((w, i) => {
    const r = results[i];
    if (r.error === undefined) wait.add(ctx.store.onAppend(w.topic, w.partition, Math.max(w.offset, r.highWatermark ?? 0), wait.end));
  });
  wait.addTimeout(timeoutMs);
  return wait.promise;
}
