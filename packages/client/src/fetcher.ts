import { decodeBatch, iterateBatches, KlogError, type RecordFactory } from '@klog/log-core';
import { fromWireError } from '@klog/protocol';
import type { BrokerConnection } from './broker-connection.js';

export interface FetchPosition {
  topic: string;
  partition: number;
  offset: number;
}

export interface FetchedPartition<T> {
  topic: string;
  partition: number;
  records: T[];
  /** Offset to fetch next. */
  nextOffset: number;
  highWatermark: number;
  logStartOffset: number;
  error?: KlogError;
}

export interface FetchLimits {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  maxBytesPerPartition: number;
}

/**
 * One fetch round for a set of positions: asks the broker for the stored batches, decodes them, and drops the
 * records before each position (a batch may begin before the offset asked for).
 */
/** Turns a topic-partition's decoded records into the caller's objects (one object per record). */
export type RecordMaker<T extends { offset: number }> = (topic: string, partition: number) => RecordFactory<T>;

export async function fetchOnce<T extends { offset: number }>(conn: BrokerConnection, positions: FetchPosition[], limits: FetchLimits, timeoutMs: number, maker: RecordMaker<T>): Promise<FetchedPartition<T>[]> {
  const byTopic = new Map<string, { partition: number; offset: number; maxBytes: number }[]>();
  for (const p of positions) {
    let list = byTopic.get(p.topic);
    if (!list) byTopic.set(p.topic, (list = []));
    list.push({ partition: p.partition, offset: p.offset, maxBytes: limits.maxBytesPerPartition });
  }
  const res = await conn.request('fetch', {
    maxWaitMs: limits.maxWaitMs, minBytes: limits.minBytes, maxBytes: limits.maxBytes,
    topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
  }, { timeoutMs });
  const out: FetchedPartition<T>[] = [];
  const wanted = new Map(positions.map((p) => [`${p.partition}:${p.topic}`, p.offset]));
  for (const t of res.topics) {
    for (const p of t.partitions) {
      const partition = p.partition;
      const from = wanted.get(`${partition}:${t.topic}`) ?? 0;
      const base = { topic: t.topic, partition, highWatermark: p.highWatermark ?? 0, logStartOffset: p.logStartOffset ?? 0 };
      if (p.errorCode) {
        out.push({ ...base, records: [], nextOffset: from, error: fromWireError(p, `${t.topic}-${partition}`) });
        continue;
      }
      const data = p.records;
      const records: T[] = [];
      const make = maker(t.topic, partition);
      let next = from;
      for (const { pos, header } of iterateBatches(data)) {
        for (const r of decodeBatch(data, pos, make).records) if (r.offset >= from) records.push(r);
        next = Math.max(next, header.baseOffset + header.lastOffsetDelta + 1);
      }
      out.push({ ...base, records, nextOffset: next });
    }
  }
  return out;
}
