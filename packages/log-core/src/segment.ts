import { closeSync, fdatasync, fdatasyncSync, ftruncateSync, openSync, read, readSync, rmSync, writeSync, writevSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { readBatchHeader, validateBatch, type BatchHeader } from './batch/record-batch.js';
import { walkBatches, type PositionalReader } from './batch-walker.js';
import { KlogError, isKlogError } from './errors.js';
import type { HandlePool, PooledFile } from './handle-pool.js';
import { RecentBatches } from './recent-batches.js';
import { SparseIndex } from './sparse-index.js';
import { appendOffsetEntry, appendTimeEntry, createOffsetIndex, createTimeIndex, readOffsetEntry, readTimeEntry } from './segment-indexes.js';
import { segmentPaths } from './segment-files.js';
import {
  loadSegmentIndexes, recoverSegmentTail, type Damage, type RecoverableSegment, type RecoveryReport,
} from './segment-recovery.js';

/** Bytes of log between two index entries (Kafka's index.interval.bytes default). */
export const INDEX_INTERVAL_BYTES = 4096;
/**
 * Batches whose exact positions a segment remembers, newest last (see Segment.positionFor): enough for readers at
 * the tail, which ask for what was appended a moment ago.
 */
const RECENT_BATCHES = 64;
/** A batch at most this large is kept in memory as the segment's last (see Segment.last). */
const LAST_BATCH_BYTES = 4096;

export interface BatchSlice {
  buf: Buffer;
  header: BatchHeader;
}

/**
 * One segment: a .log file of batches back to back plus its two sparse indexes. `size` counts the bytes that
 * are written; readers never look past it. The active (last) segment is writable. Every segment's descriptor
 * is opened on demand and registered with the store's HandlePool, which closes the least recently used ones
 * to keep the process under its open-file limit; the next use reopens it.
 */
export class Segment implements PooledFile, RecoverableSegment {
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
  /** Reads and syncs in progress on `fd`: the pool does not close it under them. */
  inUse = 0;
  /** The open descriptor (read-write while active), or null while closed. */
  private fd: number | null = null;
  private writable = false;
  private retired = false;
  /** Exact positions of the last batches indexed (see positionFor). */
  private readonly recent = new RecentBatches(RECENT_BATCHES);
  /**
   * A copy of the last batch written, when at most LAST_BATCH_BYTES, while the segment takes appends. A reader at
   * the tail (a consumer long-polling the partition, a queue taking the record just produced) asks for exactly this
   * batch and is answered from here, without a read(2): on a machine that was idle a moment before, that system
   * call alone costs tens of microseconds, more than the rest of the read. Dropped when the file is cut back,
   * re-indexed or sealed.
   */
  private last: { buf: Buffer; baseOffset: number; end: number } | null = null;
  /** Descriptors released while in use; closed when the last user is done (a closed number could be reused). */
  private fdsToClose: number[] = [];
  /** Bytes written since the last fdatasync; a descriptor closed by the pool does not lose them (see sync). */
  private unsynced = false;
  private bytesSinceIndex = 0;
  private indexesLoaded = false;
  /** Set when loading found the indexes missing or unsound and rebuilt them (reported by activate). */
  private rebuiltOnLoad = false;
  /**
   * Whether batches may leave offsets out between them (a compacted segment). Only a segment that was never
   * active in this process may have been compacted; the active one must be dense, so that a damaged base
   * offset in its tail is caught.
   */
  allowsGaps = true;
  /** Where a scan found bytes that are not a sound batch; reads that reach it get CORRUPT_DATA. */
  private damage: Damage | null = null;

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
    const fd = openSync(seg.logPath, 'wx+');
    try {
      seg.offsetIndex.rewrite();
      seg.timeIndex.rewrite();
    } catch (err) {
      closeSync(fd);
      rmSync(seg.logPath, { force: true }); // so that a retry can create it
      throw err;
    }
    seg.fd = fd;
    seg.writable = true;
    seg.allowsGaps = false;
    seg.indexesLoaded = true;
    pool.opened(seg);
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

  /** Active: appends go here. False once sealed. */
  get isWritable(): boolean {
    return this.writable;
  }

  // ---- descriptors ----------------------------------------------------------------------------------------

  /** The descriptor, reopened if the pool closed it. */
  private openFd(): number {
    if (this.fd !== null) {
      this.pool.touch(this);
      return this.fd;
    }
    // The path now names the file compaction put in its place, which this segment's indexes do not describe.
    if (this.retired) throw new KlogError('STORAGE_ERROR', `segment ${this.logPath} was replaced by compaction`);
    this.fd = openSync(this.logPath, this.writable ? 'r+' : 'r');
    this.pool.opened(this);
    return this.fd;
  }

  /**
   * The pool closes the descriptor to make room. An older segment's indexes go with it, so memory stays
   * proportional to the open files, not to the size of the log; they are read back (or rebuilt) on the next
   * read. The active segment keeps its indexes: appends extend them.
   */
  evict(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    if (this.writable) return;
    this.indexesLoaded = false;
    this.offsetIndex.unload();
    this.timeIndex.unload();
  }

  /** Closes the descriptor now, or when the last operation using it is done. */
  private releaseFd(): void {
    if (this.fd === null) return;
    this.pool.closed(this);
    if (this.inUse > 0) this.fdsToClose.push(this.fd);
    else closeSync(this.fd);
    this.fd = null;
  }

  private async usingFd<T>(fn: (fd: number) => Promise<T>): Promise<T> {
    const fd = this.openFd();
    this.inUse++;
    try {
      return await fn(fd);
    } finally {
      if (--this.inUse === 0) for (const pending of this.fdsToClose.splice(0)) closeSync(pending);
    }
  }

  // ---- writing --------------------------------------------------------------------------------------------

  /**
   * Makes this the partition's active segment. If the bytes after the last index entry are not sound (a
   * shutdown marked clean that was not), the segment is recovered first.
   */
  async activate(): Promise<RecoveryReport | null> {
    // The tail is verified: the end of the log comes from its headers, and a damaged lastOffsetDelta (which
    // only the CRC reveals) would otherwise move the offset of every later append.
    await this.ensureIndexes(true);
    let report = this.damage ? await this.recover() : null;
    if (!report && this.rebuiltOnLoad) report = { truncatedBytes: 0, reason: null, rebuiltIndex: true };
    if (!this.writable) {
      this.releaseFd(); // a read-only descriptor from before
      this.writable = true;
    }
    this.openFd();
    return report;
  }

  /**
   * Appends whole batches (offsets already assigned) at the end of the file, then indexes them. The write is
   * synchronous: into the page cache it costs microseconds, far less than a hop through the thread pool, and
   * it keeps appends strictly ordered without a queue.
   */
  writeSync(batches: BatchSlice[]): void {
    if (!this.writable) throw new KlogError('STORAGE_ERROR', `segment ${this.logPath} is not open for writing`);
    const fd = this.openFd();
    this.unsynced = true;
    if (batches.length === 1) writeWhole(fd, batches[0].buf, this.size);
    else writeAll(fd, batches.map((b) => b.buf), this.size);
    for (const b of batches) this.indexBatch(b.header, b.buf.length);
    const newest = batches[batches.length - 1];
    this.last = newest.buf.length <= LAST_BATCH_BYTES ? { buf: Buffer.from(newest.buf), baseOffset: newest.header.baseOffset, end: this.size } : null;
    if (this.offsetIndex.unflushed >= 64) this.flushIndexes();
  }

  /** Cuts the file back to `size` bytes, after a failed write may have left a partial batch behind. */
  truncateTo(size: number): void {
    // No descriptor: the write failed reopening it, so it wrote nothing.
    if (this.fd !== null) ftruncateSync(this.fd, size);
    this.size = size;
    this.recent.dropFrom(size);
    if (this.last !== null && this.last.end > size) this.last = null;
  }

  /**
   * fdatasync of the log file (without blocking the event loop). Written data lives in the file's page cache,
   * not in a descriptor: one the pool closed meanwhile is reopened and synced the same. (Whether a writeback
   * error from before the reopen reaches the new descriptor depends on the kernel; a partition taking appends
   * keeps its descriptor, so it is the descriptor that wrote.)
   */
  async sync(): Promise<void> {
    if (!this.unsynced || !this.writable) return;
    this.unsynced = false; // cleared first: a write during the fdatasync must be synced by the next one
    try {
      await this.usingFd((fd) => fdatasyncAsync(fd));
    } catch (err) {
      this.unsynced = true;
      throw err;
    }
  }

  flushIndexes(): void {
    if (!this.indexesLoaded) return;
    this.offsetIndex.flush();
    this.timeIndex.flush();
  }

  /** Turns the active segment into a read-only one: indexes written, data synced when asked. */
  seal(syncData: boolean): void {
    this.last = null;
    this.flushIndexes();
    if (syncData && this.writable && this.unsynced) {
      fdatasyncSync(this.openFd());
      this.unsynced = false;
    }
    this.writable = false;
    this.releaseFd();
  }

  async close(): Promise<void> {
    this.seal(false);
  }

  /**
   * Lets go of a segment whose file compaction replaced: its descriptor is closed (once reads in progress on
   * the old file are done) and nothing is written back, since its in-memory indexes describe the old file.
   */
  retire(): void {
    this.retired = true;
    this.writable = false;
    this.releaseFd();
  }

  /** Replaced by compaction: a reader still holding it reads again from the partition's current segments. */
  get isRetired(): boolean {
    return this.retired;
  }

  async delete(): Promise<void> {
    this.writable = false;
    this.releaseFd();
    const paths = segmentPaths(this.dir, this.baseOffset);
    await Promise.all([rm(paths.log, { force: true }), rm(paths.index, { force: true }),
      rm(paths.timeIndex, { force: true })]);
  }

  /** Records a batch that is now at position `size` in the file. */
  indexBatch(header: BatchHeader, length: number): void {
    const position = this.size;
    this.recent.remember(header.baseOffset, position);
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

  resumeIndexingAt(position: number): void {
    this.recent.clear();
    this.last = null;
    this.size = position;
    this.bytesSinceIndex = position === 0 ? 0 : INDEX_INTERVAL_BYTES;
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
    // Below nextOffset and at or past the last batch's base: in the last batch. A copy per reader: what a reader
    // does with its bytes (or the records decoded from them) is its own.
    const last = this.last;
    if (last !== null && offset >= last.baseOffset) {
      const buf = Buffer.from(last.buf);
      return [{ buf, header: readBatchHeader(buf, 0) }];
    }
    const out: BatchSlice[] = [];
    let taken = 0;
    let previousEnd = -1;
    await this.withReader(async (fh) => {
      const chunk = Math.min(Math.max(maxBytes, 16 * 1024), 4 * 1024 * 1024);
      for await (const step of walkBatches(fh, this.positionFor(offset), this.size, chunk)) {
        if (step.kind === 'damage') {
          if (out.length > 0) return;
          throw this.corrupt(step.position, step.reason);
        }
        const header = readBatchHeader(step.buf, 0);
        // The base offset is outside the CRC: batches must follow each other without overlap (or gap, unless
        // compaction may have removed whole batches).
        if (previousEnd >= 0 && (header.baseOffset < previousEnd || (!this.allowsGaps && header.baseOffset !== previousEnd))) {
          if (out.length > 0) return;
          throw this.corrupt(step.position, `batch base offset ${header.baseOffset} does not follow the previous batch (expected ${previousEnd})`);
        }
        previousEnd = header.baseOffset + header.lastOffsetDelta + 1;
        if (header.baseOffset + header.lastOffsetDelta < offset) continue;
        if (out.length > 0 && taken + step.buf.length > maxBytes) return;
        try {
          validateBatch(step.buf, 0, { compacted: this.allowsGaps });
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
  /**
   * Where to start walking for `offset`: a batch at or before it. The offset index is sparse (an entry per
   * INDEX_INTERVAL_BYTES), so a read from it walks, parses and copies every batch from the entry on; a reader
   * at the tail of a partition taking small appends (a queue, a results topic) walked tens of batches per read
   * to reach the one or two it wanted. The positions of the last RECENT_BATCHES batches are kept exactly.
   */
  private positionFor(offset: number): number {
    const recent = this.recent.positionFor(offset);
    if (recent >= 0) return recent;
    const i = this.offsetIndex.floor(offset - this.baseOffset);
    return i < 0 ? 0 : readOffsetEntry(this.offsetIndex, i).position;
  }

  /**
   * Reads of the active segment are synchronous: what readers tail was just written and sits in the page
   * cache, so a thread-pool round trip would cost more than the copy. Older segments may need the disk, so
   * they are read without blocking the event loop.
   */
  private withReader<T>(fn: (fh: PositionalReader) => Promise<T>): Promise<T> {
    const sync = this.writable;
    return this.usingFd((fd) => fn(sync
      ? { read: (buf, offset, length, position) => ({ bytesRead: readSync(fd, buf, offset, length, position) }) }
      : { read: (buf, offset, length, position) => readAsync(fd, buf, offset, length, position) }));
  }

  private corrupt(position: number, reason: string): KlogError {
    return new KlogError('CORRUPT_DATA',
      `damaged data in ${this.logPath} at byte ${position} (segment base offset ${this.baseOffset}): ${reason}`);
  }

  // ---- loading and recovery (see segment-recovery.ts) -----------------------------------------------------

  /** Loads (or rebuilds) the indexes on first use; `verifyTail` checks the CRCs after the last index entry. */
  async ensureIndexes(verifyTail = false): Promise<void> {
    if (this.indexesLoaded) return;
    const { rebuilt, damage } = await loadSegmentIndexes(this, verifyTail);
    if (rebuilt) this.rebuiltOnLoad = true;
    this.damage = damage;
    this.indexesLoaded = true;
  }

  /** Crash recovery of the last segment: the file is cut at the first torn or corrupt batch. */
  async recover(): Promise<RecoveryReport> {
    const report = await recoverSegmentTail(this);
    this.damage = null;
    this.indexesLoaded = true;
    return report;
  }
}

const fdatasyncAsync = promisify(fdatasync);
const readAsync = promisify(read);

/** One buffer at `position`, through short writes (the common append: one batch, no array to build). */
function writeWhole(fd: number, buf: Buffer, position: number): void {
  for (let done = 0; done < buf.length; ) done += writeSync(fd, buf, done, buf.length - done, position + done);
}

/** Several buffers back to back at `position`, in as few system calls as the kernel allows. */
function writeAll(fd: number, bufs: Buffer[], position: number): void {
  let remaining = bufs.reduce((n, b) => n + b.length, 0);
  while (remaining > 0) {
    const written = writevSync(fd, bufs, position);
    remaining -= written;
    position += written;
    if (remaining > 0) bufs = skipBytes(bufs, written);
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
