import { FETCH_DEFAULTS, toWireError, type RequestOf, type ResponseOf } from '@klog/protocol';
import type { BrokerContext } from '../broker-context.js';
import type { RequestContext } from '../request-context.js';
import { pollPartitions, type PartitionData, type PartitionRead } from '../../services/fetch-poll.js';

type FetchedTopic = ResponseOf<'fetch'>['topics'][number];

/**
 * Reads whole stored batches, byte for byte, for each partition from its offset. Long-poll: when fewer than
 * minBytes are available, waits up to maxWaitMs for appends to any of the partitions.
 */
export async function fetch(req: RequestOf<'fetch'>, ctx: BrokerContext, { closed, reserveAnswerBytes }: RequestContext): Promise<ResponseOf<'fetch'>> {
  const maxWaitMs = req.maxWaitMs ?? FETCH_DEFAULTS.maxWaitMs;
  const minBytes = req.minBytes ?? FETCH_DEFAULTS.minBytes;
  const askedBytes = req.maxBytes ?? FETCH_DEFAULTS.maxBytes;
  const wanted: PartitionRead[] = req.topics.flatMap(({ topic, partitions }) => partitions.map((p) => ({
    topic, partition: p.partition, offset: p.offset, maxBytes: p.maxBytes ?? FETCH_DEFAULTS.partitionMaxBytes,
  })));
  // Room for the answer in the connection's buffer, held until the answer is written: a peer that does not read
  // its answers makes its next fetches wait here, instead of each one holding megabytes of answer in memory.
  const maxBytes = await reserveAnswerBytes(askedBytes);
  // The connection went away while this request waited for room: nobody will read an answer, so read nothing.
  if (closed.aborted) return { topics: [] };
  const results = await pollPartitions(wanted, { maxWaitMs, minBytes, maxBytes }, ctx, closed);
  return { topics: group(results, ctx.logger) };
}

function group(results: PartitionData[], log: BrokerContext['logger']): FetchedTopic[] {
  const byTopic = new Map<string, FetchedTopic['partitions']>();
  for (const { topic, error, ...r } of results) {
    let list = byTopic.get(topic);
    if (!list) byTopic.set(topic, (list = []));
    list.push(error ? { partition: r.partition, records: r.records, ...toWireError(error, log) } : r);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}
