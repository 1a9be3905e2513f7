import { int, objects, str } from '@klog/protocol';
import { toWireError } from '@klog/protocol';
import type { BrokerContext } from '../broker-context.js';
import type { RequestContext } from '../dispatch.js';
import { pollPartitions, type PartitionRead } from '../fetch-poll.js';

const MAX_WAIT_MS = 60_000;

/**
 * Reads whole stored batches, byte for byte, for each partition from its offset. Long-poll: when fewer than
 * minBytes are available, waits up to maxWaitMs for appends to any of the partitions.
 */
export async function fetch(req: Record<string, unknown>, ctx: BrokerContext, { closed, reserveAnswerBytes }: RequestContext): Promise<Record<string, unknown>> {
  const maxWaitMs = int(req, 'maxWaitMs', 'fetch', { default: 500, min: 0, max: MAX_WAIT_MS });
  const minBytes = int(req, 'minBytes', 'fetch', { default: 1, min: 0 });
  const askedBytes = int(req, 'maxBytes', 'fetch', { default: 50 * 1024 * 1024, min: 1 });
  const wanted: PartitionRead[] = [];
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
  // Room for the answer in the connection's buffer, held until the answer is written: a peer that does not read
  // its answers makes its next fetches wait here, instead of each one holding megabytes of answer in memory.
  const maxBytes = await reserveAnswerBytes(askedBytes);
  // The connection went away while this request waited for room: nobody will read an answer, so read nothing.
  if (closed.aborted) return { topics: [] };
  const results = await pollPartitions(wanted, { maxWaitMs, minBytes, maxBytes }, ctx, closed);
  return {
    topics: group(results.map(({ error, ...r }) => (error ? { topic: r.topic, partition: r.partition, records: r.records, ...toWireError(error, ctx.logger) } : r))),
  };
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
