import { mkdirSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { settleCompaction } from './compaction-swap.js';
import { checkFormatVersion, COMPACTED_FORMAT_VERSION } from './format-version.js';
import { syncDir } from './fs-sync.js';
import type { HandlePool } from './handle-pool.js';
import type { Logger } from './logger.js';
import { readLogStart } from './log-start-offset.js';
import { Segment } from './segment.js';
import { segmentBaseOffsets } from './segment-files.js';
import type { RecoveryReport } from './segment-recovery.js';

export interface LoadedPartition {
  /** Oldest first; the last one is active (writable). */
  segments: Segment[];
  logStartOffset: number;
  /** What opening had to repair, or null when the log was whole and its indexes sound. */
  recovery: RecoveryReport | null;
}

/**
 * Opens (or creates) a partition directory, as Kafka's LogLoader does: every segment is listed, older ones
 * lazily (their indexes are loaded on first read); the last is made active. After an unclean shutdown it is
 * recovered first: every batch after its last sound index entry is verified and the file is cut at the first
 * bad one. Reporting what was repaired is the caller's (one summary for the whole store).
 */
export async function loadPartition(dir: string, pool: HandlePool, now: number, clean: boolean): Promise<LoadedPartition> {
  mkdirSync(dir, { recursive: true });
  settleCompaction(dir); // a compaction cut short by a crash is finished or forgotten before segments are listed
  const bases = segmentBaseOffsets(readdirSync(dir));
  if (bases.length === 0) {
    const segments = [Segment.create(dir, 0, pool, now)];
    try {
      syncDir(dir);
    } catch (err) {
      await segments[0].close();
      throw err;
    }
    return { segments, logStartOffset: 0, recovery: null };
  }
  const segments: Segment[] = [];
  // Only compaction leaves gaps between batches, and it marks the store's format first: in a directory never
  // compacted, a gap is damage (a corrupt base offset, which the CRC does not cover) and is reported as such.
  const gapsPossible = checkFormatVersion(dirname(dir)) >= COMPACTED_FORMAT_VERSION;
  for (const base of bases) {
    const seg = await Segment.load(dir, base, pool);
    seg.allowsGaps = gapsPossible;
    segments.push(seg);
  }
  const active = segments[segments.length - 1];
  active.allowsGaps = false; // the last segment was active before, and compaction never touches that one
  const recovery = clean ? await active.activate() : await active.recover();
  await active.activate();
  const end = active.nextOffset;
  return { segments, logStartOffset: Math.min(Math.max(segments[0].baseOffset, readLogStart(dir)), end), recovery };
}

/**
 * One line for the whole store after opening it. A rebuilt index loses nothing (indexes are derived from the
 * log), so it is information, not a warning per partition; cut bytes were already warned about one by one.
 */
export function logRecoverySummary(logger: Logger, stats: { recoveredPartitions: number; truncatedBytes: number; rebuiltIndexes: number }): void {
  if (stats.recoveredPartitions === 0) return;
  const msg = stats.truncatedBytes > 0
    ? `recovery checked ${stats.recoveredPartitions} partitions and cut ${stats.truncatedBytes} bytes of torn or corrupt data`
    : `recovery checked ${stats.recoveredPartitions} partitions and rebuilt ${stats.rebuiltIndexes} indexes; no data was lost`;
  logger.info({ ...stats }, msg);
}
