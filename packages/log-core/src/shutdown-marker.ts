import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { syncDir } from './fs-sync.js';

/**
 * `.clean-shutdown`: written by a close that flushed everything, so the next open trusts the indexes and skips
 * recovery. It is removed, durably, before the first write after an open.
 *
 * It also records, per partition, what a load of the partition would find (its offsets, bytes and segment
 * count), so that the next open can answer for a partition without listing its directory and load it on first
 * use instead. The summary is only as good as the close that wrote it; a partition that is loaded takes its
 * state from its files, which stay the truth. A marker without a summary (written by an older version, or by
 * hand) still means "clean": the partitions are then loaded at open, as before.
 */
const CLEAN_MARKER = '.clean-shutdown';

/** One partition as the last clean close left it. */
export interface PartitionSummary {
  logStartOffset: number;
  logEndOffset: number;
  sizeBytes: number;
  segments: number;
}

export interface ShutdownState {
  clean: boolean;
  /** Topic name → its partitions' summaries, by partition number (empty when the marker had none). */
  summaries: Map<string, PartitionSummary[]>;
}

/** What the last shutdown left; the marker is gone when this returns. */
export function takeCleanShutdownMarker(dir: string): ShutdownState {
  const path = join(dir, CLEAN_MARKER);
  if (!existsSync(path)) return { clean: false, summaries: new Map() };
  const summaries = parseSummaries(readFileSync(path, 'utf8'));
  // From here on a crash must be recovered from: the marker goes, durably, before any write.
  unlinkSync(path);
  syncDir(dir);
  return { clean: true, summaries };
}

export function writeCleanShutdownMarker(dir: string, now: number, summaries: Map<string, PartitionSummary[]>): void {
  // Four numbers per partition, as an array: 10,000 partitions stay a few hundred kilobytes.
  const partitions = Object.fromEntries([...summaries].map(([topic, parts]) =>
    [topic, parts.map((s) => [s.logStartOffset, s.logEndOffset, s.sizeBytes, s.segments])]));
  const body = JSON.stringify({ closedAt: new Date(now).toISOString(), partitions });
  writeFileSync(join(dir, CLEAN_MARKER), `${body}\n`, { flush: true });
  syncDir(dir);
}

/** Summaries from a marker's text; anything that is not a well-formed summary is ignored (partitions load at open). */
function parseSummaries(text: string): Map<string, PartitionSummary[]> {
  const out = new Map<string, PartitionSummary[]>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return out; // the older marker: a timestamp for people
  }
  const partitions = (parsed as { partitions?: unknown } | null)?.partitions;
  if (typeof partitions !== 'object' || partitions === null) return out;
  for (const [topic, parts] of Object.entries(partitions)) {
    if (!Array.isArray(parts)) continue;
    const list: PartitionSummary[] = [];
    for (const entry of parts) {
      if (!isSummaryTuple(entry)) break; // keep the well-formed prefix; the rest load at open
      const [logStartOffset, logEndOffset, sizeBytes, segments] = entry;
      list.push({ logStartOffset, logEndOffset, sizeBytes, segments });
    }
    out.set(topic, list);
  }
  return out;
}

function isSummaryTuple(v: unknown): v is [number, number, number, number] {
  return Array.isArray(v) && v.length === 4 && v.every((n) => Number.isSafeInteger(n) && n >= 0)
    && v[0] <= v[1] && v[3] >= 1;
}
