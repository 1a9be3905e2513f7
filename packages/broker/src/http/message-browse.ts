import { KlogError, type LogStore, type StoredRecord } from '@klog/log-core';
import { PartitionWalk, ScanBudget, type StopReason } from './message-scan.js';
import { messageJson, type MessageJson } from './record-json.js';

export const MAX_LIMIT = 500;
export const DEFAULT_LIMIT = 50;
/** A browse reads at most this much of the log, and for at most this long, whatever it finds. */
export const MAX_SCAN_BYTES = 64 * 1024 * 1024;
export const MAX_SCAN_MS = 2_000;

export interface BrowseQuery {
  /** The partitions to read: one, or all of the topic. */
  partitions: number[];
  from: 'earliest' | 'latest' | 'offset' | 'timestamp';
  offset?: number;
  timestamp?: number;
  /** Only records with exactly this key. */
  key?: Buffer;
  limit: number;
}

export interface BrowseResult {
  messages: MessageJson[];
  stoppedBecause: StopReason;
  scanned: number;
}

/** Parses the query string of GET /api/v1/topics/:name/messages (INVALID_REQUEST on bad values). */
export function parseBrowseQuery(params: URLSearchParams, partitionCount: number): BrowseQuery {
  const partitions = partitionsParam(params.get('partition'), partitionCount);
  const from = params.get('from') ?? 'earliest';
  if (from !== 'earliest' && from !== 'latest' && from !== 'offset' && from !== 'timestamp') {
    throw new KlogError('INVALID_REQUEST', `from must be earliest, latest, offset or timestamp, got ${JSON.stringify(from)}`);
  }
  const limit = intParam(params, 'limit', 1, MAX_LIMIT) ?? DEFAULT_LIMIT;
  const query: BrowseQuery = { partitions, from, limit };
  if (from === 'offset') {
    query.offset = intParam(params, 'offset', 0, Number.MAX_SAFE_INTEGER);
    if (query.offset === undefined) throw new KlogError('INVALID_REQUEST', 'from=offset needs offset=N');
  }
  if (from === 'timestamp') {
    query.timestamp = intParam(params, 'timestamp', 0, Number.MAX_SAFE_INTEGER);
    if (query.timestamp === undefined) throw new KlogError('INVALID_REQUEST', 'from=timestamp needs timestamp=<milliseconds since 1970>');
  }
  const key = params.get('key');
  if (key !== null) query.key = Buffer.from(key, 'utf8');
  return query;
}

/** `partition=P` or `partition=all` (the default). */
export function partitionsParam(value: string | null, partitionCount: number): number[] {
  if (value === null || value === 'all') return Array.from({ length: partitionCount }, (_, p) => p);
  const p = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(p < partitionCount)) {
    throw new KlogError('INVALID_REQUEST', `partition must be all or a number from 0 to ${partitionCount - 1}, got ${JSON.stringify(value)}`);
  }
  return [p];
}

function intParam(params: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const text = params.get(name);
  if (text === null) return undefined;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new KlogError('INVALID_REQUEST', `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return n;
}

/**
 * Reads records of a topic for a person: from the start, an offset or a time forward (oldest first), or the
 * newest ones (newest first), optionally only those with a key, within the caps. The partitions take turns read
 * by read; the matches are merged by timestamp and cut to the limit. The answer says why it stopped, so that a
 * search that hit a cap is not mistaken for one that found everything.
 */
export async function browseMessages(store: LogStore, topic: string, q: BrowseQuery): Promise<BrowseResult> {
  const budget = new ScanBudget(MAX_SCAN_BYTES, MAX_SCAN_MS);
  const key = q.key;
  const match = key === undefined ? () => true : (r: StoredRecord) => r.key !== null && r.key.equals(key);
  const walks: PartitionWalk[] = [];
  for (const p of q.partitions) {
    let direction: { forward: number } | 'backward';
    if (q.from === 'latest') direction = 'backward';
    else if (q.from === 'offset') direction = { forward: q.offset! };
    else if (q.from === 'timestamp') direction = { forward: (await store.offsetForTimestamp(topic, p, q.timestamp!)) ?? store.logEndOffset(topic, p) };
    else direction = { forward: 0 };
    walks.push(new PartitionWalk(p, store, topic, direction, q.limit, match, budget));
  }

  let capped: 'maxBytes' | 'maxTime' | null = null;
  for (let active = walks; active.length > 0 && capped === null; active = active.filter((w) => !w.done)) {
    for (const walk of active) {
      capped = budget.exhausted();
      if (capped !== null) break;
      await walk.step();
    }
  }

  const newestFirst = q.from === 'latest';
  const found = walks.flatMap((w) => w.found.map((r) => ({ partition: w.partition, r })));
  found.sort((a, b) => {
    const order = a.r.timestamp - b.r.timestamp || a.partition - b.partition || a.r.offset - b.r.offset;
    return newestFirst ? -order : order;
  });
  const messages = found.slice(0, q.limit).map(({ partition, r }) => messageJson(partition, r));
  return {
    messages,
    stoppedBecause: capped ?? (found.length >= q.limit ? 'limit' : 'end'),
    scanned: budget.scanned,
  };
}
