import { type FileHandle, open, readFile, stat } from 'node:fs/promises';
import { readBatchHeader, validateBatch, type BatchHeader } from './batch/record-batch.js';
import { readAt, walkBatches } from './batch-walker.js';
import { isKlogError } from './errors.js';
import type { SparseIndex } from './sparse-index.js';
import { OFFSET_ENTRY, readOffsetEntry, readTimeEntry, TIME_ENTRY } from './segment-indexes.js';

/** Where a scan found bytes that are not a sound batch, and why. */
export interface Damage {
  position: number;
  reason: string;
}

export interface RecoveryReport {
  truncatedBytes: number;
  reason: string | null;
  rebuiltIndex: boolean;
}

/**
 * What loading and recovery read and rebuild of a segment (see Segment): its file, its two indexes, and the
 * state derived from its batches. Loading decides what to trust; the segment only appends.
 */
export interface RecoverableSegment {
  readonly logPath: string;
  readonly baseOffset: number;
  readonly offsetIndex: SparseIndex;
  readonly timeIndex: SparseIndex;
  size: number;
  nextOffset: number;
  maxTimestamp: number;
  /** Whether batches may leave offsets out between them (compaction); they never overlap. */
  readonly allowsGaps: boolean;
  /** Indexes a batch that starts at position `size`, and moves `size` past it. */
  indexBatch(header: BatchHeader, length: number): void;
  /** Makes `size` = `position`; the next indexed batch gets an index entry unless it is at position 0. */
  resumeIndexingAt(position: number): void;
}

/**
 * Loads the indexes of a segment, trusting them after a clean shutdown when they fit the file. A missing or
 * inconsistent index is rebuilt from the log: indexes are derived data. `verifyTail` checks the CRCs of the
 * batches after the last index entry too. Returns whether the indexes were rebuilt, and any damage found.
 */
export async function loadSegmentIndexes(seg: RecoverableSegment, verifyTail: boolean): Promise<{ rebuilt: boolean; damage: Damage | null }> {
  const from = await loadIndexFiles(seg);
  if (from !== null) {
    // nextOffset and maxTimestamp come from the batches after the last index entry.
    seg.nextOffset = from.offset;
    if ((await scan(seg, from.position, verifyTail, false)) === null) return { rebuilt: false, damage: null };
  }
  return { rebuilt: true, damage: await rebuildIndexes(seg) };
}

/**
 * Crash recovery of the last segment: keeps the index entries that still point at the batch they name,
 * verifies every batch after the last of them, and cuts the file at the first torn or corrupt one.
 */
export async function recoverSegmentTail(seg: RecoverableSegment): Promise<RecoveryReport> {
  // The length on disk: `size` may already stop at the damage, if loading found it first.
  const fileSize = (await stat(seg.logPath)).size;
  seg.size = fileSize;
  let rebuiltIndex = false;
  let damage: Damage | null;
  const from = await loadIndexFilesForRecovery(seg);
  if (from === null) {
    damage = await rebuildIndexes(seg);
    rebuiltIndex = true;
  } else {
    damage = await scan(seg, from, true, true);
  }
  const keep = damage ? damage.position : fileSize;
  seg.size = keep;
  if (keep < fileSize) {
    const fh = await open(seg.logPath, 'r+');
    try {
      await fh.truncate(keep);
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }
  seg.offsetIndex.rewrite();
  seg.timeIndex.rewrite();
  return { truncatedBytes: fileSize - keep, reason: damage?.reason ?? null, rebuiltIndex };
}

/** Reads both index files; returns the last offset entry, or null if they are unusable. */
async function loadIndexFiles(seg: RecoverableSegment): Promise<{ position: number; offset: number } | null> {
  const [offsets, times] = await Promise.all([readOptional(seg.offsetIndex.path), readOptional(seg.timeIndex.path)]);
  if (!offsets || !times || offsets.length % OFFSET_ENTRY !== 0 || times.length % TIME_ENTRY !== 0) return null;
  seg.offsetIndex.load(offsets);
  seg.timeIndex.load(times);
  if (seg.size > 0 && seg.offsetIndex.length === 0) return null;
  if (!indexesAreConsistent(seg)) return null;
  if (seg.offsetIndex.length === 0) return { position: 0, offset: seg.baseOffset };
  const restart = lastTimeEntryBatch(seg);
  if (restart === null) return null;
  seg.maxTimestamp = restart.maxTimestamp;
  return { position: restart.position, offset: seg.baseOffset + restart.relativeOffset };
}

/**
 * Loads the indexes for recovery, keeping entries up to the last one that still points at the batch it
 * names; returns the position to verify from (that entry's batch), or null to rebuild from scratch.
 */
async function loadIndexFilesForRecovery(seg: RecoverableSegment): Promise<number | null> {
  const [offsets, times] = await Promise.all([readOptional(seg.offsetIndex.path), readOptional(seg.timeIndex.path)]);
  if (!offsets || !times) return null;
  seg.offsetIndex.load(offsets.subarray(0, offsets.length - (offsets.length % OFFSET_ENTRY)));
  seg.timeIndex.load(times.subarray(0, times.length - (times.length % TIME_ENTRY)));
  const fh = await open(seg.logPath, 'r');
  let keep = seg.offsetIndex.length;
  try {
    while (keep > 0) {
      const { relativeOffset, position } = readOffsetEntry(seg.offsetIndex, keep - 1);
      if (await pointsAtBatch(fh, position, seg.baseOffset + relativeOffset, seg.size)) break;
      keep--;
    }
  } finally {
    await fh.close();
  }
  if (keep === 0) return null;
  seg.offsetIndex.drop(keep);
  if (!indexesAreConsistent(seg)) return null;
  // Restart from the batch of the last time entry (which stays: the scan does not repeat it); the offset
  // entries from there on are dropped and the scan adds them back.
  const restart = lastTimeEntryBatch(seg);
  if (restart === null) return null;
  seg.offsetIndex.drop(seg.offsetIndex.floor(restart.relativeOffset));
  seg.maxTimestamp = restart.maxTimestamp;
  seg.nextOffset = seg.baseOffset + restart.relativeOffset;
  return restart.position;
}

/**
 * Where a scan of the tail must start for maxTimestamp to come out right: the batch of the last time entry,
 * whose key is the exact running maximum up to there. Starting at the last offset entry instead would miss
 * batches between the two (or after time entries lost from the end of the file) that raised the maximum.
 * Null when the time index cannot say (the first batch always has a time entry): rebuild.
 */
function lastTimeEntryBatch(seg: RecoverableSegment): { position: number; relativeOffset: number; maxTimestamp: number } | null {
  if (seg.timeIndex.length === 0) return null;
  const { timestamp, relativeOffset } = readTimeEntry(seg.timeIndex, seg.timeIndex.length - 1);
  const o = seg.offsetIndex.floor(relativeOffset);
  if (o < 0) return null;
  const entry = readOffsetEntry(seg.offsetIndex, o);
  return { position: entry.position, relativeOffset: entry.relativeOffset, maxTimestamp: timestamp };
}

function indexesAreConsistent(seg: RecoverableSegment): boolean {
  let prevRel = -1;
  let prevPos = -1;
  for (let i = 0; i < seg.offsetIndex.length; i++) {
    const { relativeOffset, position } = readOffsetEntry(seg.offsetIndex, i);
    if (i === 0 ? position !== 0 : relativeOffset <= prevRel || position <= prevPos) return false;
    if (position >= seg.size) return false;
    prevRel = relativeOffset;
    prevPos = position;
  }
  let prevTs = -Infinity;
  for (let i = 0; i < seg.timeIndex.length; i++) {
    const { timestamp, relativeOffset } = readTimeEntry(seg.timeIndex, i);
    if (timestamp <= prevTs || relativeOffset > prevRel) return false;
    prevTs = timestamp;
  }
  return true;
}

/** Rebuilds both indexes by walking every batch from the start (checking CRCs); returns damage found. */
async function rebuildIndexes(seg: RecoverableSegment): Promise<Damage | null> {
  seg.offsetIndex.clear();
  seg.timeIndex.clear();
  seg.maxTimestamp = -1;
  seg.nextOffset = seg.baseOffset;
  const damage = await scan(seg, 0, true, true);
  seg.offsetIndex.rewrite();
  seg.timeIndex.rewrite();
  return damage;
}

/**
 * Walks batches from `position` to the end of the file, advancing nextOffset/maxTimestamp (and, with `index`,
 * re-indexing them and moving `size` along). Stops at the first batch that is torn, out of sequence or, with
 * `verify`, fails validation; returns where and why, or null when the whole rest was sound.
 */
async function scan(seg: RecoverableSegment, position: number, verify: boolean, index: boolean): Promise<Damage | null> {
  const end = seg.size;
  if (index) seg.resumeIndexingAt(position);
  const fh = await open(seg.logPath, 'r');
  try {
    for await (const step of walkBatches(fh, position, end)) {
      if (step.kind === 'damage') return { position: step.position, reason: step.reason };
      let header: BatchHeader;
      try {
        header = verify ? validateBatch(step.buf, 0, { compacted: seg.allowsGaps }) : readBatchHeader(step.buf, 0);
      } catch (err) {
        return { position: step.position, reason: isKlogError(err) ? err.message : String(err) };
      }
      const expected = seg.nextOffset;
      if (header.baseOffset < expected || (!seg.allowsGaps && header.baseOffset !== expected)) {
        return { position: step.position, reason: `batch at offset ${header.baseOffset} is out of sequence (expected ${expected})` };
      }
      if (index) seg.indexBatch(header, step.buf.length);
      else {
        seg.nextOffset = header.baseOffset + header.lastOffsetDelta + 1;
        if (header.maxTimestamp > seg.maxTimestamp) seg.maxTimestamp = header.maxTimestamp;
      }
    }
    return null;
  } finally {
    await fh.close();
  }
}

async function pointsAtBatch(fh: FileHandle, position: number, offset: number, fileSize: number): Promise<boolean> {
  if (position + 61 > fileSize) return false;
  const head = await readAt(fh, position, 61);
  if (head.length < 61) return false;
  const header = readBatchHeader(head, 0);
  return header.baseOffset === offset && header.magic === 2;
}

async function readOptional(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
