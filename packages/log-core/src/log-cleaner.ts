import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { retainRecords } from './batch/retain-records.js';
import { decodeBatch } from './batch/record-batch.js';
import type { ByteThrottle } from './byte-throttle.js';
import { KlogError } from './errors.js';
import { cleanedPath } from './compaction-swap.js';
import type { BatchSlice, Segment } from './segment.js';

/**
 * Key-based compaction of a partition, in two passes over the segments it may clean (Kafka's log cleaner):
 * the first maps every key of the dirty section (the segments not cleaned since the store opened) to the
 * offset of its latest record; the second copies each segment from the front through the mapped ones, dropping
 * every keyed record the map shows a later record for, and the tombstones (null values) older than
 * deleteRetentionMs. Records without a key cannot be superseded and are kept. Offsets never change: a cleaned
 * log has gaps. Swapping the cleaned files in is the partition's (compaction-swap.ts).
 */
export interface CleaningRules {
  now: number;
  minCompactionLagMs: number;
  deleteRetentionMs: number;
  /**
   * Most bytes the key map of one pass may take, estimated per entry (KEY_ENTRY_BYTES plus the key). When
   * the dirty section has more keys, a pass maps (and cleans) only the segments whose keys fit, and the next
   * pass goes on from there. The first dirty segment is always mapped whole, so that every pass progresses.
   */
  keyMapBytes: number;
  /** Asked between reads: true stops the pass (a store closing does not wait for a whole segment). */
  stop?: () => boolean;
}

/**
 * What one key of the map costs besides its bytes (a latin1 string of the key's length): the Map's entry
 * and hash slot, the string's header and the offset. Measured at 45-50 bytes on Node 20 with a million keys;
 * an offset above 2^31 is a heap number, 16 more. Rounded up, so the bound errs on the safe side.
 */
export const KEY_ENTRY_BYTES = 64;

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

/** First pass: key → offset of its latest record, and how many of `segments` were read whole into it. */
export interface KeyMap {
  latest: Map<string, number>;
  /**
   * The segments from the front whose every key is in the map: only they may be cleaned with it. The map may
   * also hold keys of the next segment, read in part; that is harmless, since the records it points to stay.
   */
  mapped: number;
}

/** First pass over the dirty segments, in order, until the key map reaches rules.keyMapBytes. */
export async function latestOffsets(segments: Segment[], throttle: ByteThrottle, rules: CleaningRules): Promise<KeyMap> {
  const latest = new Map<string, number>();
  let bytes = 0;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    await seg.ensureIndexes();
    for await (const { buf } of batchesOf(seg, throttle, rules)) {
      for (const r of decodeBatch(buf).records) {
        if (!r.key) continue;
        const key = keyOf(r.key);
        if (!latest.has(key)) bytes += KEY_ENTRY_BYTES + key.length;
        latest.set(key, r.offset);
      }
      if (bytes > rules.keyMapBytes && i > 0) return { latest, mapped: i };
    }
    if (bytes >= rules.keyMapBytes) return { latest, mapped: i + 1 };
  }
  return { latest, mapped: segments.length };
}

export interface CleanedSegment {
  /** False when every record stays: nothing was written and the segment needs no swap. */
  changed: boolean;
  /**
   * True when the last batch, kept whole (keepLastBatch), holds records the rules would drop: the segment is
   * not clean, and a later pass must map its keys again (else a tombstone there could expire while the value
   * it deletes, beside it, stays).
   */
  heldBack: boolean;
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
  let heldBack = false;
  let bytesAfter = 0;
  let bytesBefore = 0;
  let failed = true;
  try {
    for await (const { buf, header } of batchesOf(seg, throttle, rules)) {
      bytesBefore += buf.length;
      const last = header.baseOffset + header.lastOffsetDelta + 1 >= seg.nextOffset;
      let kept = retainRecords(buf, (r) => {
        if (!r.key) return true;
        // A key not in the map has its latest record in the part cleaned before (or in no later segment).
        const newest = latest.get(keyOf(r.key));
        if (newest !== undefined && newest > r.offset) return false;
        return r.value !== null || rules.now - r.timestamp <= rules.deleteRetentionMs;
      });
      if (keepLastBatch && last && kept !== buf) {
        heldBack = true;
        kept = buf;
      }
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
  return { changed, heldBack, bytesBefore, bytesAfter };
}
