import { readFileSync } from 'node:fs';
import { KlogError } from './errors.js';

/** The process's limit on open files (RLIMIT_NOFILE). */
export interface FdLimit {
  soft: number;
  /** Null where it cannot be read. */
  hard: number | null;
}

/** Assumed where /proc is not there to ask (not Linux): the usual default soft limit. */
const FALLBACK_LIMIT = 1024;

/**
 * Partitions a store may hold per descriptor it may open. Descriptors are pooled (see HandlePool), so a store
 * can hold more partitions than it can keep open; but past a few per descriptor most appends would reopen a
 * file. Refusing then tells the operator to raise the limit before load finds it out.
 */
export const PARTITIONS_PER_DESCRIPTOR = 8;

/** The soft and hard open-file limits, read from /proc/self/limits on Linux. */
export function processFdLimit(): FdLimit {
  let text: string;
  try {
    text = readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return { soft: FALLBACK_LIMIT, hard: null };
  }
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (!m) return { soft: FALLBACK_LIMIT, hard: null };
  const parse = (v: string): number => (v === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(v));
  const soft = parse(m[1]);
  const hard = parse(m[2]);
  return Number.isFinite(soft) && soft > 0 ? { soft, hard: Number.isFinite(hard) ? hard : null } : { soft: FALLBACK_LIMIT, hard: null };
}

/**
 * Descriptors the store keeps for segment files: half the limit, leaving the rest to the connections, the
 * transient files of index writes and recovery, and the embedding application.
 */
export function segmentFileBudget(limit: FdLimit): number {
  return Math.max(8, Math.floor(limit.soft / 2));
}

/**
 * Segment files kept open when the application does not say: every partition's active segment and 256 older
 * ones (for readers behind the head), within the budget. Older segments' indexes stay in memory while their
 * file is open, so this also bounds that memory.
 */
export function defaultOpenSegments(limit: FdLimit, partitions: number): number {
  return Math.min(segmentFileBudget(limit), partitions + 256);
}

export function maxPartitions(limit: FdLimit): number {
  return Math.min(Number.MAX_SAFE_INTEGER, limit.soft * PARTITIONS_PER_DESCRIPTOR);
}

/** Refuses a topic that would bring the store past what its open-file limit can serve, saying how to raise it. */
export function checkPartitionBudget(topic: string, adding: number, existing: number, limit: FdLimit): void {
  const total = existing + adding;
  const max = maxPartitions(limit);
  if (total <= max) return;
  const needed = Math.ceil(total / PARTITIONS_PER_DESCRIPTOR);
  const hard = limit.hard === null ? '' : ` (the hard limit is ${limit.hard}${needed > limit.hard ? '; raising it needs root' : ''})`;
  throw new KlogError('INVALID_CONFIG',
    `topic ${topic} with ${adding} partitions would bring this store to ${total} partitions, more than the ${max} ` +
    `it can serve under the process's open-file limit of ${limit.soft} (${PARTITIONS_PER_DESCRIPTOR} partitions per ` +
    `descriptor); raise the limit to at least ${needed} with \`ulimit -n ${needed}\` before starting the process${hard}, ` +
    'or create fewer partitions');
}
