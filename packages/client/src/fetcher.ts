import { decodeBatch, iterateBatches, KlogError, type RecordFactory } from '@klog/log-core';
import { fromWireError, type ResponseOf } from '@klog/protocol';
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

/** A fetch's answer as it came: stored batches still as bytes, for the positions it asked for. */
export interface RawFetch {
  positions: FetchPosition[];
  answer: ResponseOf<'fetch'>;
}

/** Turns a topic-partition's decoded records into the caller's objects (one object per record). */
export type RecordMaker<T extends { offset: number }> = (topic: string, partition: number) => RecordFactory<T>;

/**
 * A fetch round is two steps, so that a consumer can send its next fetch between them: requestFetch asks the
 * broker for the stored batches; decodeFetch turns them into records, dropping those before each position (a
 * batch may begin before the offset asked for).
 */
export async function requestFetch(conn: BrokerConnection, positions: FetchPosition[], limits: FetchLimits, timeoutMs: number): Promise<RawFetch> {
  const byTopic = new Map<string, { partition: number; offset: number; maxBytes: number }[]>();
  for (const p of positions) {
    let list = byTopic.get(p.topic);
    if (!list) byTopic.set(p.topic, (list = []));
    list.push({ partition: p.partition, offset: p.offset, maxBytes: limits.maxBytesPerPartition });
  }
  const answer = await conn.request('fetch', {
    maxWaitMs: limits.maxWaitMs, minBytes: limits.minBytes, maxBytes: limits.maxBytes,
    topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
  }, { timeoutMs });
  return { positions, answer };
}

export function decodeFetch<T extends { offset: number }>({ positions, answer }: RawFetch, maker: RecordMaker<T>): FetchedPartition<T>[] {
  const out: FetchedPartition<T>[] = [];
  const wanted = offsetsByKey(positions);
  for (const t of answer.topics) {
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

/**
 * Where each partition's next fetch starts once this answer is taken, read from the batch headers alone (no record
 * is decoded), when the answer stopped short of some partition's high watermark: records are already there to
 * fetch. Null when every partition is caught up, or when a partition answered with an error or a damaged batch
 * (decodeFetch reports those; the next fetch is not guessed at).
 */
export function positionsAfter({ positions, answer }: RawFetch): Map<string, number> | null {
  const wanted = offsetsByKey(positions);
  const after = new Map<string, number>();
  let behind = false;
  try {
    for (const t of answer.topics) {
      for (const p of t.partitions) {
        if (p.errorCode) return null;
        const key = `${p.partition}:${t.topic}`;
        const from = wanted.get(key) ?? 0;
        let next = from;
        for (const { header } of iterateBatches(p.records)) next = Math.max(next, header.baseOffset + header.lastOffsetDelta + 1);
        after.set(key, next);
        if (next > from && next < (p.highWatermark ?? 0)) behind = true;
      }
    }
  } catch {
    return null;
  }
  return behind ? after : null;
}

function offsetsByKey(positions: FetchPosition[]): Map<string, number> {
  return new Map(positions.map((p) => [`${p.partition}:${p.topic}`, p.offset]));
}
