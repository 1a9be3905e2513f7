import { KlogError } from '@klog/log-core';
import { int, objects, str } from '../../protocol/fields.js';
import { toWireError } from '../../protocol/wire-error.js';
import type { BrokerContext } from '../broker-context.js';
import type { RequestContext } from '../dispatch.js';

interface Wanted {
  topic: string;
  partition: number;
  offset: number;
  maxBytes: number;
}

const EMPTY = Buffer.alloc(0);
const MAX_WAIT_MS = 60_000;

/**
 * Reads whole stored batches, byte for byte, for each partition from its offset. Long-poll: when fewer than
 * minBytes are available, waits up to maxWaitMs for appends to any of the partitions.
 */
export async function fetch(req: Record<string, unknown>, ctx: BrokerContext, { closed }: RequestContext): Promise<Record<string, unknown>> {
  const maxWaitMs = int(req, 'maxWaitMs', 'fetch', { default: 500, min: 0, max: MAX_WAIT_MS });
  const minBytes = int(req, 'minBytes', 'fetch', { default: 1, min: 0 });
  const maxBytes = int(req, 'maxBytes', 'fetch', { default: 50 * 1024 * 1024, min: 1 });
  const wanted: Wanted[] = [];
  for (const [t, tPath] of objects(req, 'topics', 'fetch')) {
    const topic = str(t, 'topic', tPath);
    for (const [p, pPath] of objects(t, 'partitions', tPath)) {
      wanted.push({
        topic,
        partition: int(p, 'partition', pPath, { min: 0 }),
        offset: int(p, 'offset', pPath, { min: 0 }),
        maxBytes: int(p, 'maxBytes', pPath, { default: 1024 * 1024, min: 1 }),
      });
    }
  }
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const { results, bytes } = await readAll(wanted, maxBytes, ctx);
    const remaining = deadline - Date.now();
    if (bytes >= minBytes || remaining <= 0 || closed.aborted || ctx.shutdown.signal.aborted) return { topics: group(results) };
    await waitForAny(wanted, results, remaining, ctx, closed);
  }
}

async function readAll(wanted: Wanted[], maxBytes: number, ctx: BrokerContext) {
  let bytes = 0;
  const results = [];
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
      results.push({ topic: w.topic, partition: w.partition, records: EMPTY, ...toWireError(err) });
    }
  }
  return { results, bytes };
}

function waitForAny(wanted: Wanted[], results: { errorCode?: string; highWatermark?: number }[], timeoutMs: number, ctx: BrokerContext, closed: AbortSignal): Promise<void> {
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  closed.addEventListener('abort', abort, { once: true });
  ctx.shutdown.signal.addEventListener('abort', abort, { once: true });
  // Wait for the end of each partition to move past what was just seen (not past the offset asked for:
  // data may be there already, just fewer bytes of it than minBytes).
  const waits = wanted
    .map((w, i) => ({ w, r: results[i] }))
    .filter(({ r }) => r.errorCode === undefined)
    .map(({ w, r }) => ctx.store.waitForAppend(w.topic, w.partition, Math.max(w.offset, r.highWatermark ?? 0), timeoutMs, stop.signal));
  if (waits.length === 0) waits.push(new Promise((r) => setTimeout(r, timeoutMs)));
  return Promise.race(waits).finally(() => {
    stop.abort();
    closed.removeEventListener('abort', abort);
    ctx.shutdown.signal.removeEventListener('abort', abort);
  });
}

function group(results: { topic: string; partition: number }[]) {
  const byTopic = new Map<string, Record<string, unknown>[]>();
  for (const { topic, ...rest } of results) {
    let list = byTopic.get(topic);
    if (!list) byTopic.set(topic, (list = []));
    list.push(rest);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}
