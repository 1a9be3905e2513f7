import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { retainRecords } from './batch/retain-records.js';
import { decodeBatch } from './batch/record-batch.js';
import type { ByteThrottle } from './byte-throttle.js';
import { KlogError } from './errors.js';
import { cleanedPath } from './compaction-swap.js';
import type { BatchSlice, Segment } from './segment.js';

/**
 * Key-based compaction of a partition, in two passes over the segments it may clean (Kafka's log cleaner):
 * the first maps every key to the offset of its latest record; the second copies each segment keeping only
 * those latest records, and of them only the tombstones (null values) younger than deleteRetentionMs.
 * Records without a key cannot be superseded and are kept. Offsets never change: a cleaned log has gaps.
 * Swapping the cleaned files in is the partition's (compaction-swap.ts).
 */
export interface CleaningRules {
  now: number;
  minCompactionLagMs: number;
  deleteRetentionMs: number;
  /** Asked between reads: true stops the pass (a store closing does not wait for a whole segment). */
  stop?: () => boolean;
}

const READ_BYTES = 1024 * 1024;

/**
 * The segments a pass may clean: the sealed ones from the front, up to the first holding a record younger
 * than minCompactionLagMs. The active segment is never cleaned: it takes appends, and the idempotent
 * producer state is rebuilt from it.
 */
export function cleanableSegments(segments: Segment[], rules: CleaningRules): Segment[] {
  const out: Segment[] = [];
  for (const seg of segments.slice(0, -1)) {
    if (seg.maxTimestamp > rules.now - rules.minCompactionLagMs) break;
    out.push(seg);
  }
  return out;
}

/** Each batch of a segment, in order, read whole (CRC checked). */
async function* batchesOf(seg: Segment, throttle: ByteThrottle, rules: CleaningRules): AsyncGenerator<BatchSlice> {
  let offset = seg.baseOffset;
  while (offset < seg.nextOffset) {
    if (rules.stop?.()) throw new KlogError('STORE_CLOSED', 'the log store closed during compaction');
    const batches = await seg.read(offset, READ_BYTES);
    if (batches.length === 0) return;
    let bytes = 0;
    for (const b of batches) {
      bytes += b.buf.length;
      yield b;
    }
    await throttle.consume(bytes);
    const last = batches[batches.length - 1].header;
    offset = last.baseOffset + last.lastOffsetDelta + 1;
  }
}

function keyOf(key: Buffer): string {
  return key.toString('latin1');
}

/** First pass: key → offset of its latest record in `segments`. */
export async function latestOffsets(segments: Segment[], throttle: ByteThrottle, rules: CleaningRules): Promise<Map<string, number>> {
  const latest = new Map<string, number>();
  for (const seg of segments) {
    await seg.ensureIndexes();
    for await (const { buf } of batchesOf(seg, throttle, rules)) {
      for (const r of decodeBatch(buf).records) if (r.key) latest.set(keyOf(r.key), r.offset);
    }
  }
  return latest;
}

export interface CleanedSegment {
  /** False when every record stays: nothing was written and the segment needs no swap. */
  changed: boolean;
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * Second pass for one segment: writes `<base>.log.cleaned`, fsynced, when it would differ from the segment.
 * With `keepLastBatch` the segment's last batch stays whole, so that the segment still ends where the next
 * one begins: when the active segment is empty, that batch is what tells a reader the offsets up to the end
 * of the log are used (Kafka keeps the last batch of a log for the same reason).
 */
export async function writeCleanedSegment(
  seg: Segment, latest: Map<string, number>, rules: CleaningRules, throttle: ByteThrottle, keepLastBatch: boolean,
): Promise<CleanedSegment> {
  const path = cleanedPath(seg.dir, seg.baseOffset);
  const fd = openSync(path, 'w');
  let changed = false;
  let bytesAfter = 0;
  let bytesBefore = 0;
  let failed = true;
  try {
    for await (const { buf, header } of batchesOf(seg, throttle, rules)) {
      bytesBefore += buf.length;
      const last = header.baseOffset + header.lastOffsetDelta + 1 >= seg.nextOffset;
      const kept = keepLastBatch && last ? buf : retainRecords(buf, (r) => {
        if (!r.key) return true;
        if (latest.get(keyOf(r.key)) !== r.offset) return false;
        return r.value !== null || rules.now - r.timestamp <= rules.deleteRetentionMs;
      });
      if (kept !== buf) changed = true;
      if (!kept) continue;
      for (let at = 0; at < kept.length;) at += writeSync(fd, kept, at, kept.length - at, bytesAfter + at);
      bytesAfter += kept.length;
    }
    if (changed) fdatasyncSync(fd);
    failed = false;
  } finally {
    closeSync(fd);
    if (failed || !changed) rmSync(path, { force: true });
  }
  return { changed, bytesBefore, bytesAfter };
}
