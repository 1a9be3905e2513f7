import { closeSync, fdatasync, fdatasyncSync, ftruncateSync, openSync, readSync, writevSync } from 'node:fs';
import { type FileHandle, open, readFile, rm, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { readBatchHeader, validateBatch, type BatchHeader } from './batch/record-batch.js';
import { readAt, walkBatches, type PositionalReader } from './batch-walker.js';
import { KlogError, isKlogError } from './errors.js';
import type { HandlePool, PooledFile } from './handle-pool.js';
import { SparseIndex } from './sparse-index.js';
import {
  appendOffsetEntry, appendTimeEntry, createOffsetIndex, createTimeIndex, OFFSET_ENTRY, readOffsetEntry,
  readTimeEntry, TIME_ENTRY,
} from './segment-indexes.js';
import { segmentPaths } from './segment-files.js';

/** Bytes of log between two index entries (Kafka's index.interval.bytes default). */
export const INDEX_INTERVAL_BYTES = 4096;

export interface BatchSlice {
  buf: Buffer;
  header: BatchHeader;
}

export interface RecoveryReport {
  truncatedBytes: number;
  reason: string | null;
  rebuiltIndex: boolean;
}

/**
 * One segment: a .log file of batches back to back plus its two sparse indexes. `size` counts the bytes that
 * are written; readers never look past it. The active (last) segment keeps a read-write handle; older ones
 * borrow read handles from the store's HandlePool.
 */
export class Segment implements PooledFile {
  readonly logPath: string;
  readonly offsetIndex: SparseIndex;
  readonly timeIndex: SparseIndex;
  size = 0;
  /** Offset after the last batch in the segment (== baseOffset while empty). */
  nextOffset: number;
  /** Largest record timestamp in the segment, -1 while empty. */
  maxTimestamp = -1;
  /** When the segment was created (for segmentMs rolling). */
  createdAt: number;
  handle: FileHandle | null = null;
  inUse = 0;
  /** Read-write descriptor of the active segment; appends are synchronous writes (see PartitionLog). */
  private fd: number | null = null;
  /** Reads in progress on `fd`, and a sealed segment's descriptor waiting for them to finish before closing. */
  private fdReaders = 0;
  private fdToClose: number | null = null;
  private bytesSinceIndex = 0;
  private indexesLoaded = false;
  /** Set when loading found the indexes missing or unsound and rebuilt them (reported by activate). */
  private rebuiltOnLoad = false;
  /** Where a scan found bytes that are not a sound batch; reads that reach it get CORRUPT_DATA. */
  private damage: { position: number; reason: string } | null = null;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private readonly pool: HandlePool,
    now: number,
  ) {
    const paths = segmentPaths(dir, baseOffset);
    this.logPath = paths.log;
    this.offsetIndex = createOffsetIndex(paths.index);
    this.timeIndex = createTimeIndex(paths.timeIndex);
    this.nextOffset = baseOffset;
    this.createdAt = now;
  }

  /** Creates the files of a new, empty, active segment. */
  static create(dir: string, baseOffset: number, pool: HandlePool, now: number): Segment {
    const seg = new Segment(dir, baseOffset, pool, now);
    seg.fd = openSync(seg.logPath, 'wx+');
    seg.offsetIndex.rewrite();
    seg.timeIndex.rewrite();
    seg.indexesLoaded = true;
    return seg;
  }

  /** Opens an existing segment; its indexes are loaded (or rebuilt) on first use. */
  static async load(dir: string, baseOffset: number, pool: HandlePool): Promise<Segment> {
    const seg = new Segment(dir, baseOffset, pool, 0);
    const st = await stat(seg.logPath);
    seg.size = st.size;
    seg.createdAt = st.birthtimeMs || st.ctimeMs;
    return seg;
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  // ---- writing --------------------------------------------------------------------------------------------

  /**
   * An older segment's indexes are dropped with its file handle, so memory stays proportional to the open
   * files, not to the size of the log; they are read back (or rebuilt) on the next read.
   */
  evicted(): void {
    if (this.fd !== null) return;
    this.indexesLoaded = false;
    this.offsetIndex.unload();
    this.timeIndex.unload();
  }

  /**
   * Makes this the partition's active segment, keeping a read-write descriptor until sealed. If the bytes after
   * the last index entry are not sound (a shutdown marked clean that was not), the segment is recovered first.
   */
  async activate(): Promise<RecoveryReport | null> {
    // The tail is verified: the end of the log comes from its headers, and a damaged lastOffsetDelta (which
    // only the CRC reveals) would otherwise move the offset of every later append.
    await this.ensureIndexes(true);
    let report = this.damage ? await this.recover() : null;
    if (!report && this.rebuiltOnLoad) report = { truncatedBytes: 0, reason: null, rebuiltIndex: true };
    this.fd ??= openSync(this.logPath, 'r+');
    return report;
  }

  /**
   * Appends whole batches (offsets already assigned) at the end of the file, then indexes them. The write is
   * synchronous: into the page cache it costs microseconds, far less than a hop through the thread pool, and
   * it keeps appends strictly ordered without a queue.
   */
  writeSync(batches: BatchSlice[]): void {
    if (this.fd === null) throw new KlogError('STORAGE_ERROR', `segment ${this.logPath} is not open for writing`);
    let bufs = batches.map((b) => b.buf);
    let position = this.size;
    let remaining = bufs.reduce((n, b) => n + b.length, 0);
    while (remaining > 0) {
      const written = writevSync(this.fd, bufs, position);
      remaining -= written;
      position += written;
      if (remaining > 0) bufs = skipBytes(bufs, written);
    }
    for (const b of batches) this.indexBatch(b.header, b.buf.length);
    if (this.offsetIndex.unflushed >= 64) this.flushIndexes();
  }

  /** Cuts the file back to `size` bytes, after a failed write may have left a partial batch behind. */
  truncateTo(size: number): void {
    if (this.fd !== null) ftruncateSync(this.fd, size);
    this.size = size;
  }

  /** fdatasync of the log file (without blocking the event loop). */
  async sync(): Promise<void> {
    if (this.fd !== null) await fdatasyncAsync(this.fd);
  }

  flushIndexes(): void {
    if (!this.indexesLoaded) return;
    this.offsetIndex.flush();
    this.timeIndex.flush();
  }

  /** Turns the active segment into a read-only one: indexes written, data synced when asked. */
  seal(syncData: boolean): void {
    this.flushIndexes();
    if (this.fd === null) return;
    if (syncData) fdatasyncSync(this.fd);
    this.releaseFd();
  }

  /** Closes the descriptor now, or when the last synchronous reader using it is done (see withReadHandle). */
  private releaseFd(): void {
    if (this.fd === null) return;
    if (this.fdReaders > 0) this.fdToClose = this.fd;
    else closeSync(this.fd);
    this.fd = null;
  }

  async close(): Promise<void> {
    this.seal(false);
    await this.pool.forget(this);
  }

  async delete(): Promise<void> {
    this.releaseFd();
    await this.pool.forget(this);
    const paths = segmentPaths(this.dir, this.baseOffset);
    await Promise.all([rm(paths.log, { force: true }), rm(paths.index, { force: true }),
      rm(paths.timeIndex, { force: true })]);
  }

  /** Records a batch that is now at position `size` in the file. */
  private indexBatch(header: BatchHeader, length: number): void {
    const position = this.size;
    const relative = header.baseOffset - this.baseOffset;
    if (header.maxTimestamp > this.maxTimestamp) this.maxTimestamp = header.maxTimestamp;
    if (position === 0 || this.bytesSinceIndex >= INDEX_INTERVAL_BYTES) {
      appendOffsetEntry(this.offsetIndex, relative, position);
      const lastTime = this.timeIndex.length > 0 ? this.timeIndex.key(this.timeIndex.length - 1) : -Infinity;
      if (this.maxTimestamp > lastTime) appendTimeEntry(this.timeIndex, this.maxTimestamp, relative);
      this.bytesSinceIndex = 0;
    }
    this.bytesSinceIndex += length;
    this.size += length;
    this.nextOffset = header.baseOffset + header.lastOffsetDelta + 1;
  }

  // ---- reading --------------------------------------------------------------------------------------------

  /**
   * Whole batches holding offsets >= `offset`, up to `maxBytes` — but always the first one whole, so a reader
   * is never stuck behind a batch larger than its budget. Each batch's CRC is checked: damaged bytes are
   * reported as a typed CORRUPT_DATA error naming where, never returned as data.
   */
  async read(offset: number, maxBytes: number): Promise<BatchSlice[]> {
    await this.ensureIndexes();
    if (offset >= this.nextOffset) {
      if (this.damage) throw this.corrupt(this.damage.position, this.damage.reason);
      return [];
    }
    const out: BatchSlice[] = [];
    let taken = 0;
    let previousEnd = -1;
    await this.withReadHandle(async (fh) => {
      const chunk = Math.min(Math.max(maxBytes, 16 * 1024), 4 * 1024 * 1024);
      for await (const step of walkBatches(fh, this.positionFor(offset), this.size, chunk)) {
        if (step.kind === 'damage') {
          if (out.length > 0) return;
          throw this.corrupt(step.position, step.reason);
        }
        const header = readBatchHeader(step.buf, 0);
        // The base offset is outside the CRC: batches must follow each other without gap or overlap.
        if (previousEnd >= 0 && header.baseOffset !== previousEnd) {
          if (out.length > 0) return;
          throw this.corrupt(step.position, `batch base offset ${header.baseOffset} does not follow the previous batch (expected ${previousEnd})`);
        }
        previousEnd = header.baseOffset + header.lastOffsetDelta + 1;
        if (header.baseOffset + header.lastOffsetDelta < offset) continue;
        if (out.length > 0 && taken + step.buf.length > maxBytes) return;
        try {
          validateBatch(step.buf, 0);
        } catch (err) {
          if (out.length > 0) return; // hand out the good batches; the next read reports the damage
          throw this.corrupt(step.position, isKlogError(err) ? err.message : String(err));
        }
        out.push({ buf: step.buf, header });
        taken += step.buf.length;
        if (taken >= maxBytes) return;
      }
    });
    return out;
  }

  /** The first batch of this segment holding offsets >= `minOffset` whose max timestamp is >= `timestamp`, or null. */
  async firstBatchFromTime(timestamp: number, minOffset: number): Promise<BatchSlice | null> {
    if (this.maxTimestamp < timestamp) return null;
    await this.ensureIndexes();
    // Time-index keys are running maxima: every batch before the last entry below `timestamp` holds only
    // smaller timestamps, so the scan can start at that entry's batch.
    const i = this.timeIndex.floor(timestamp - 1);
    let offset = Math.max(minOffset, i < 0 ? this.baseOffset : this.baseOffset + readTimeEntry(this.timeIndex, i).relativeOffset);
    while (offset < this.nextOffset) {
      const batches = await this.read(offset, 256 * 1024);
      if (batches.length === 0) break;
      for (const b of batches) if (b.header.maxTimestamp >= timestamp) return b;
      const last = batches[batches.length - 1].header;
      offset = last.baseOffset + last.lastOffsetDelta + 1;
    }
    return null;
  }

  /** File position of the last indexed batch starting at or before `offset`. */
  private positionFor(offset: number): number {
    const i = this.offsetIndex.floor(offset - this.baseOffset);
    return i < 0 ? 0 : readOffsetEntry(this.offsetIndex, i).position;
  }

  /**
   * Reads of the active segment go straight to its descriptor, synchronously: what readers tail was just written
   * and sits in the page cache, so a thread-pool round trip would cost more than the copy. Older segments may
   * need the disk, so they are read through the pool's handles without blocking the event loop.
   */
  private async withReadHandle<T>(fn: (fh: PositionalReader) => Promise<T>): Promise<T> {
    const fd = this.fd;
    if (fd !== null) {
      // The descriptor stays open until this read is done, even if the segment is sealed meanwhile: a closed
      // number could be reused by another file.
      this.fdReaders++;
      try {
        return await fn({ read: (buf, offset, length, position) => ({ bytesRead: readSync(fd, buf, offset, length, position) }) });
      } finally {
        if (--this.fdReaders === 0 && this.fdToClose !== null) {
          closeSync(this.fdToClose);
          this.fdToClose = null;
        }
      }
    }
    const fh = await this.pool.acquire(this);
    try {
      return await fn(fh);
    } finally {
      this.pool.release(this);
    }
  }

  private corrupt(position: number, reason: string): KlogError {
    return new KlogError('CORRUPT_DATA',
      `damaged data in ${this.logPath} at byte ${position} (segment base offset ${this.baseOffset}): ${reason}`);
  }

  // ---- loading and recovery -------------------------------------------------------------------------------

  /**
   * Loads the indexes of a segment on first use, trusting them after a clean shutdown when they fit the file.
   * A missing or inconsistent index is rebuilt from the log: indexes are derived data. `verifyTail` checks the
   * CRCs of the batches after the last index entry too (see activate).
   */
  async ensureIndexes(verifyTail = false): Promise<void> {
    if (this.indexesLoaded) return;
    const from = await this.loadIndexes();
    if (from === null) {
      this.rebuiltOnLoad = true;
      this.damage = await this.rebuildIndexes();
    } else {
      // nextOffset and maxTimestamp come from the batches after the last index entry.
      this.nextOffset = from.offset;
      if (await this.scan(from.position, verifyTail, false)) {
        this.rebuiltOnLoad = true;
        this.damage = await this.rebuildIndexes();
      }
    }
    this.indexesLoaded = true;
  }

  /** Reads both index files; returns the last offset entry, or null if they are unusable. */
  private async loadIndexes(): Promise<{ position: number; offset: number } | null> {
    const [offsets, times] = await Promise.all([readOptional(this.offsetIndex.path), readOptional(this.timeIndex.path)]);
    if (!offsets || !times || offsets.length % OFFSET_ENTRY !== 0 || times.length % TIME_ENTRY !== 0) return null;
    this.offsetIndex.load(offsets);
    this.timeIndex.load(times);
    if (this.size > 0 && this.offsetIndex.length === 0) return null;
    if (!this.indexesAreConsistent()) return null;
    if (this.offsetIndex.length === 0) return { position: 0, offset: this.baseOffset };
    const restart = this.lastTimeEntryBatch();
    if (restart === null) return null;
    this.maxTimestamp = restart.maxTimestamp;
    return { position: restart.position, offset: this.baseOffset + restart.relativeOffset };
  }

  /**
   * Where a scan of the tail must start for maxTimestamp to come out right: the batch of the last time entry,
   * whose key is the exact running maximum up to there. Starting at the last offset entry instead would miss
   * batches between the two (or after time entries lost from the end of the file) that raised the maximum.
   * Null when the time index cannot say (the first batch always has a time entry): rebuild.
   */
  private lastTimeEntryBatch(): { position: number; relativeOffset: number; maxTimestamp: number } | null {
    if (this.timeIndex.length === 0) return null;
    const { timestamp, relativeOffset } = readTimeEntry(this.timeIndex, this.timeIndex.length - 1);
    const o = this.offsetIndex.floor(relativeOffset);
    if (o < 0) return null;
    const entry = readOffsetEntry(this.offsetIndex, o);
    return { position: entry.position, relativeOffset: entry.relativeOffset, maxTimestamp: timestamp };
  }

  private indexesAreConsistent(): boolean {
    let prevRel = -1;
    let prevPos = -1;
    for (let i = 0; i < this.offsetIndex.length; i++) {
      const { relativeOffset, position } = readOffsetEntry(this.offsetIndex, i);
      if (i === 0 ? position !== 0 : relativeOffset <= prevRel || position <= prevPos) return false;
      if (position >= this.size) return false;
      prevRel = relativeOffset;
      prevPos = position;
    }
    let prevTs = -Infinity;
    for (let i = 0; i < this.timeIndex.length; i++) {
      const { timestamp, relativeOffset } = readTimeEntry(this.timeIndex, i);
      if (timestamp <= prevTs || relativeOffset > prevRel) return false;
      prevTs = timestamp;
    }
    return true;
  }

  /** Rebuilds both indexes by walking every batch from the start (checking CRCs); returns damage found. */
  private async rebuildIndexes(): Promise<{ position: number; reason: string } | null> {
    this.offsetIndex.clear();
    this.timeIndex.clear();
    this.maxTimestamp = -1;
    this.nextOffset = this.baseOffset;
    const damage = await this.scan(0, true, true);
    this.offsetIndex.rewrite();
    this.timeIndex.rewrite();
    this.indexesLoaded = true;
    return damage;
  }

  /**
   * Walks batches from `position` to the end of the file, advancing nextOffset/maxTimestamp (and, with `index`,
   * re-indexing them and moving `size` along). Stops at the first batch that is torn, out of sequence or, with
   * `verify`, fails validation; returns where and why, or null when the whole rest was sound.
   */
  private async scan(position: number, verify: boolean, index: boolean): Promise<{ position: number; reason: string } | null> {
    const end = this.size;
    if (index) {
      this.size = position;
      this.bytesSinceIndex = position === 0 ? 0 : INDEX_INTERVAL_BYTES;
    }
    const fh = await open(this.logPath, 'r');
    try {
      for await (const step of walkBatches(fh, position, end)) {
        if (step.kind === 'damage') return { position: step.position, reason: step.reason };
        let header: BatchHeader;
        try {
          header = verify ? validateBatch(step.buf, 0) : readBatchHeader(step.buf, 0);
        } catch (err) {
          return { position: step.position, reason: isKlogError(err) ? err.message : String(err) };
        }
        const expected = this.nextOffset;
        if (header.baseOffset !== expected) {
          return { position: step.position, reason: `batch at offset ${header.baseOffset} is out of sequence (expected ${expected})` };
        }
        if (index) this.indexBatch(header, step.buf.length);
        else {
          this.nextOffset = header.baseOffset + header.lastOffsetDelta + 1;
          if (header.maxTimestamp > this.maxTimestamp) this.maxTimestamp = header.maxTimestamp;
        }
      }
      return null;
    } finally {
      await fh.close();
    }
  }

  /**
   * Crash recovery of the last segment: keeps the index entries that still point at the batch they name,
   * verifies every batch after the last of them, and cuts the file at the first torn or corrupt one.
   */
  async recover(): Promise<RecoveryReport> {
    // The length on disk: `size` may already stop at the damage, if ensureIndexes found it first.
    const fileSize = (await stat(this.logPath)).size;
    this.size = fileSize;
    let rebuiltIndex = false;
    let damage: { position: number; reason: string } | null;
    const from = await this.loadIndexesForRecovery();
    if (from === null) {
      damage = await this.rebuildIndexes();
      rebuiltIndex = true;
    } else {
      damage = await this.scan(from, true, true);
    }
    const keep = damage ? damage.position : fileSize;
    this.size = keep;
    this.damage = null;
    if (keep < fileSize) {
      const fh = await open(this.logPath, 'r+');
      try {
        await fh.truncate(keep);
        await fh.datasync();
      } finally {
        await fh.close();
      }
    }
    this.offsetIndex.rewrite();
    this.timeIndex.rewrite();
    this.indexesLoaded = true;
    return { truncatedBytes: fileSize - keep, reason: damage?.reason ?? null, rebuiltIndex };
  }

  /**
   * Loads the indexes for recovery, keeping entries up to the last one that still points at the batch it
   * names; returns the position to verify from (that entry's batch), or null to rebuild from scratch.
   */
  private async loadIndexesForRecovery(): Promise<number | null> {
    const [offsets, times] = await Promise.all([readOptional(this.offsetIndex.path), readOptional(this.timeIndex.path)]);
    if (!offsets || !times) return null;
    this.offsetIndex.load(offsets.subarray(0, offsets.length - (offsets.length % OFFSET_ENTRY)));
    this.timeIndex.load(times.subarray(0, times.length - (times.length % TIME_ENTRY)));
    const fh = await open(this.logPath, 'r');
    let keep = this.offsetIndex.length;
    try {
      while (keep > 0) {
        const { relativeOffset, position } = readOffsetEntry(this.offsetIndex, keep - 1);
        if (await pointsAtBatch(fh, position, this.baseOffset + relativeOffset, this.size)) break;
        keep--;
      }
    } finally {
      await fh.close();
    }
    if (keep === 0) return null;
    this.offsetIndex.drop(keep);
    if (!this.indexesAreConsistent()) return null;
    // Restart from the batch of the last time entry (which stays: the scan does not repeat it); the offset
    // entries from there on are dropped and the scan adds them back.
    const restart = this.lastTimeEntryBatch();
    if (restart === null) return null;
    this.offsetIndex.drop(this.offsetIndex.floor(restart.relativeOffset));
    this.maxTimestamp = restart.maxTimestamp;
    this.nextOffset = this.baseOffset + restart.relativeOffset;
    return restart.position;
  }
}

const fdatasyncAsync = promisify(fdatasync);

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

function skipBytes(bufs: Buffer[], skip: number): Buffer[] {
  const out: Buffer[] = [];
  for (const b of bufs) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    out.push(skip > 0 ? b.subarray(skip) : b);
    skip = 0;
  }
  return out;
}
