import { setBaseOffset, type BatchHeader } from './batch/record-batch.js';
import type { ByteThrottle } from './byte-throttle.js';
import { commitCompaction, settleCompaction } from './compaction-swap.js';
import { KlogError } from './errors.js';
import type { FsyncPolicy } from './fsync-policy.js';
import { syncDir } from './fs-sync.js';
import type { HandlePool } from './handle-pool.js';
import { cleanableSegments, latestOffsets, writeCleanedSegment, type CleaningRules } from './log-cleaner.js';
import { loadPartition } from './log-loader.js';
import { writeLogStart } from './log-start-offset.js';
import { ProducerState, type ActiveProducer } from './producer-state.js';
import { Segment, type BatchSlice } from './segment.js';
import type { RecoveryReport } from './segment-recovery.js';
import type { PartitionSummary } from './shutdown-marker.js';
import { deletesByAge, type TopicConfig } from './topic-config.js';
import { WaitForFirst } from './wait-for-first.js';
import type { PendingWriter, WriteCoalescer } from './write-coalescer.js';

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
}

export interface PartitionContext {
  topic: string;
  partition: number;
  dir: string;
  config: () => TopicConfig;
  fsync: FsyncPolicy;
  pool: HandlePool;
  now: () => number;
  /** Called after a segment roll, so the store can run retention. */
  onRoll: () => void;
  /** Called with the duration of each fdatasync this partition did. */
  onFsync: (seconds: number) => void;
  /** Told what loading the partition had to repair (at open, or at first use of a deferred partition). */
  onRecovered: (report: RecoveryReport) => void;
  /** When queued batches are written: at the end of the event-loop turn, shared by the store's partitions. */
  writes: WriteCoalescer;
}

/**
 * A batch with its offsets assigned, queued to be written (see write-coalescer.ts). `state` says whether it was
 * written yet; `error` is set when its write failed. `waiter` is the promise of an appendBatch call, settled by
 * the write; the store's own append path polls `state` after the turn's flush instead (no promise per batch).
 */
export interface QueuedBatch extends BatchSlice {
  readonly result: AppendResult;
  state: 'queued' | 'written' | 'failed';
  error: KlogError | null;
  waiter: { resolve: (r: AppendResult) => void; reject: (err: unknown) => void } | null;
}

export interface CompactionReport {
  segmentsCleaned: number;
  bytesBefore: number;
  bytesAfter: number;
}

interface Waiter {
  afterOffset: number;
  wake: () => void;
}

/**
 * One partition's log: an ordered list of segments, the last of which takes appends. Offsets are assigned
 * here, densely; the high watermark is the end of what is acknowledged (written, and under fsync 'always'
 * synced), and readers see nothing beyond it.
 */
export class PartitionLog implements PendingWriter {
  private segments: Segment[] = [];
  /** The offset the next append gets: past the batches written and those queued. */
  private nextOffset = 0;
  /** Batches appended but not yet written (see write-coalescer.ts), in offset order. */
  private queue: QueuedBatch[] = [];
  private queuedBytes = 0;
  private hw = 0;
  private startOffset = 0;
  private producers: Promise<ProducerState> | null = null;
  private waiters = new Set<Waiter>();
  /** Every offset below this is on disk (fdatasync done); sealed segments are synced when they roll. */
  private syncedOffset = 0;
  private syncing: Promise<void> | null = null;
  private closed = false;
  /** Set when close starts: a compaction in progress gives up rather than hold the close. */
  private closing = false;
  /** Retention, DeleteRecords and compaction change the segment list one at a time, in call order. */
  private maintenance: Promise<unknown> = Promise.resolve();
  /**
   * Offsets below this were in a segment that the last compaction cleaned: the clean part, for the dirty
   * ratio. Kept in memory only: after a restart the whole log counts as dirty and is cleaned once more.
   */
  private cleanedTo = 0;
  /**
   * A partition opened from the last clean close's summary, not yet loaded: its offsets come from the summary
   * and its segments are listed on first use (see deferred). Null once loaded.
   */
  private summary: PartitionSummary | null = null;
  /** The load in progress of a deferred partition: every operation that needs the segments waits for it. */
  private loading: Promise<void> | null = null;

  private constructor(private readonly ctx: PartitionContext) {}

  get highWatermark(): number {
    return this.hw;
  }

  /** Someone is waiting (waitForAppend) for the next append. */
  get hasWaiters(): boolean {
    return this.waiters.size > 0;
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  get sizeBytes(): number {
    if (this.summary) return this.summary.sizeBytes;
    return this.segments.reduce((n, s) => n + s.size, 0);
  }

  get segmentCount(): number {
    return this.summary ? this.summary.segments : this.segments.length;
  }

  /** Whether retention may have segments to delete: only sealed ones ever go. False for a one-segment log. */
  get hasSealedSegments(): boolean {
    return this.segmentCount > 1;
  }

  /** Offsets, bytes and segments now: what a clean close records for the next open. */
  get stateSummary(): PartitionSummary {
    return { logStartOffset: this.startOffset, logEndOffset: this.hw, sizeBytes: this.sizeBytes, segments: this.segmentCount };
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1];
  }

  /** Opens (or creates) the partition directory, recovering its last segment if needed (see loadPartition). */
  static async open(ctx: PartitionContext, clean: boolean): Promise<PartitionLog> {
    const log = new PartitionLog(ctx);
    await log.load(clean);
    return log;
  }

  /**
   * A partition of a store that closed cleanly, answered from that close's summary: nothing is read from its
   * directory until an operation needs its segments (append, read, a timestamp lookup, retention or compaction),
   * which then waits for the load. A store of many partitions opens in the time it takes to read the marker,
   * and holds memory for the partitions in use. Only after a clean close: recovery is never deferred.
   */
  static deferred(ctx: PartitionContext, summary: PartitionSummary): PartitionLog {
    const log = new PartitionLog(ctx);
    log.summary = summary;
    log.startOffset = summary.logStartOffset;
    log.nextOffset = log.hw = log.syncedOffset = summary.logEndOffset;
    return log;
  }

  private async load(clean: boolean): Promise<void> {
    const loaded = await loadPartition(this.ctx.dir, this.ctx.pool, this.ctx.now(), clean);
    this.segments = loaded.segments;
    this.nextOffset = this.active.nextOffset;
    this.hw = this.nextOffset;
    this.syncedOffset = this.nextOffset;
    this.startOffset = loaded.logStartOffset;
    this.summary = null;
    if (loaded.recovery) this.ctx.onRecovered(loaded.recovery);
  }

  /** Null when the segments are loaded (the common case costs no promise); else the load to wait for. */
  private whenLoaded(): Promise<void> | null {
    if (!this.summary) return null;
    this.loading ??= this.load(true).finally(() => {
      this.loading = null; // after a failure the next operation tries again
    });
    return this.loading;
  }

  /** Waits for a deferred partition's load; at once for a loaded one. */
  private async loaded(): Promise<void> {
    await this.whenLoaded();
  }

  // ---- appending ------------------------------------------------------------------------------------------

  /**
   * Appends one validated batch, assigning its offsets (the 8-byte base offset is patched in place; the CRC
   * does not cover it). A batch from an idempotent producer that repeats one of its recent batches is not
   * appended again: the answer is the original offsets.
   */
  appendBatch(buf: Buffer, header: BatchHeader): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new KlogError('STORE_CLOSED', 'the log store is closed'));
    // Appends that arrive during the load queue on it in arrival order (then callbacks run in order).
    const loading = this.whenLoaded();
    if (loading) return loading.then(() => this.appendBatch(buf, header));
    const max = this.ctx.config().maxBatchBytes;
    if (buf.length > max) {
      return Promise.reject(new KlogError('RECORD_TOO_LARGE',
        `batch of ${buf.length} bytes exceeds maxBatchBytes ${max} of topic ${this.ctx.topic}`));
    }
    if (ProducerState.isIdempotent(header)) return this.appendIdempotent(buf, header);
    return this.write(buf, header);
  }

  /**
   * The store's append path for a batch it encoded itself: queued at once and returned, when the partition is
   * loaded, the batch is not an idempotent producer's and fsync is not 'always'; the caller waits for the
   * turn's flush (WriteCoalescer.whenFlushed) and then reads the entry's state. Null when the batch must go
   * through appendBatch instead. Throws what appendBatch would reject with.
   */
  queueOwnBatch(buf: Buffer, header: BatchHeader): QueuedBatch | null {
    if (this.closed) throw new KlogError('STORE_CLOSED', 'the log store is closed');
    if (this.summary || this.ctx.fsync === 'always' || ProducerState.isIdempotent(header)) return null;
    const max = this.ctx.config().maxBatchBytes;
    if (buf.length > max) {
      throw new KlogError('RECORD_TOO_LARGE', `batch of ${buf.length} bytes exceeds maxBatchBytes ${max} of topic ${this.ctx.topic}`);
    }
    const q = this.enqueue(buf, header);
    this.scheduleWrite(q);
    return q;
  }

  private async appendIdempotent(buf: Buffer, header: BatchHeader): Promise<AppendResult> {
    const producers = await this.producerState();
    const check = producers.check(header);
    if (check.kind === 'duplicate') return check.result;
    const result = this.write(buf, header);
    producers.record(header, result);
    result.catch(() => producers.forget(header.producerId, result));
    return result;
  }

  private write(buf: Buffer, header: BatchHeader): Promise<AppendResult> {
    let q: QueuedBatch;
    try {
      q = this.enqueue(buf, header);
    } catch (err) {
      return Promise.reject(err);
    }
    const written = new Promise<AppendResult>((resolve, reject) => {
      q.waiter = { resolve, reject };
    });
    this.scheduleWrite(q);
    if (this.ctx.fsync !== 'always') return written;
    const { result } = q;
    return written.then(() => this.sync()).then(() => {
      this.advance(result.lastOffset + 1);
      return result;
    });
  }

  /** Assigns the batch its offsets and queues it (rolling the segment first when it is due). */
  private enqueue(buf: Buffer, header: BatchHeader): QueuedBatch {
    try {
      this.maybeRoll(buf.length);
    } catch (err) {
      throw this.storageError('write to', err);
    }
    const baseOffset = this.nextOffset;
    const lastOffset = baseOffset + header.lastOffsetDelta;
    setBaseOffset(buf, 0, baseOffset);
    // The header object is this append's own (parsed from these bytes by the caller): updated, not copied.
    header.baseOffset = baseOffset;
    this.nextOffset = lastOffset + 1;
    const q: QueuedBatch = { buf, header, result: { baseOffset, lastOffset }, state: 'queued', error: null, waiter: null };
    this.queue.push(q);
    this.queuedBytes += buf.length;
    return q;
  }

  /** Writes now when the coalescer says so (large batch, coalescing off), else at the end of the turn. */
  private scheduleWrite(q: QueuedBatch): void {
    if (this.ctx.writes.queued(this, q.buf.length, this.queue.length === 1, this.queuedBytes)) this.flushPending();
  }

  /**
   * Writes the queued batches, in one system call where the kernel allows, and settles their appends. Under
   * fsync 'never' or an interval they are acknowledged here, so readers see them from now on; under 'always'
   * after the fdatasync that follows. A failed write rejects every queued append and takes their offsets back
   * (the file is cut to where it was), so the next append gets the offset after the last written batch.
   */
  flushPending(): number {
    const queue = this.queue;
    if (queue.length === 0) return 0;
    this.queue = [];
    this.queuedBytes = 0;
    const seg = this.active;
    const before = seg.size;
    try {
      try {
        seg.writeSync(queue);
      } catch (err) {
        seg.truncateTo(before);
        throw err;
      }
    } catch (err) {
      this.nextOffset = seg.nextOffset;
      const error = this.storageError('write to', err);
      for (const q of queue) {
        q.state = 'failed';
        q.error = error;
        q.waiter?.reject(error);
      }
      return queue.length;
    }
    if (this.ctx.fsync !== 'always') this.advance(seg.nextOffset);
    for (const q of queue) {
      q.state = 'written';
      q.waiter?.resolve(q.result);
    }
    return queue.length;
  }

  private storageError(what: string, err: unknown): KlogError {
    return new KlogError('STORAGE_ERROR',
      `could not ${what} ${this.ctx.topic}-${this.ctx.partition}: ${(err as Error).message}`, { cause: err });
  }

  /**
   * fdatasync of everything written before the call. Concurrent callers share one fdatasync, and callers whose
   * data was written while one was in flight are covered by the next: group commit.
   */
  async sync(): Promise<void> {
    this.flushPending();
    const target = this.nextOffset;
    while (this.syncedOffset < target && !this.closed) {
      if (!this.syncing) {
        this.flushPending(); // appends queued while the last fdatasync ran
        const upTo = this.nextOffset;
        const seg = this.active;
        this.syncing = (async () => {
          seg.flushIndexes();
          const started = performance.now();
          await seg.sync();
          this.ctx.onFsync((performance.now() - started) / 1000);
          this.syncedOffset = Math.max(this.syncedOffset, upTo);
        })().catch((err) => {
          throw new KlogError('STORAGE_ERROR',
            `fsync of ${this.ctx.topic}-${this.ctx.partition} failed: ${(err as Error).message}`, { cause: err });
        }).finally(() => {
          this.syncing = null;
        });
      }
      await this.syncing;
    }
  }

  /** Rolls to a new segment before a batch of `incoming` bytes when the active one is full or old. */
  private maybeRoll(incoming: number): void {
    if (!this.rollDue(incoming)) return;
    // The queued batches were counted in the active segment: they are written to it before it is sealed.
    this.flushPending();
    const seg = this.active;
    // A roll that sealed this segment but could not create the next one (out of descriptors or space) is
    // finished first: the sealed segment takes no more writes.
    if (!seg.isWritable) return this.startSegment();
    if (seg.isEmpty) return; // the queued batches failed to write: nothing to seal
    // Sealing syncs the old segment whatever the policy (once per segment, cheap): sync() only covers the
    // active one, and an acks 'all' produce must not be acknowledged with data still unsynced behind a roll.
    seg.seal(true);
    this.startSegment();
  }

  private rollDue(incoming: number): boolean {
    const seg = this.active;
    if (!seg.isWritable) return true;
    const size = seg.size + this.queuedBytes;
    if (size === 0) return false;
    const cfg = this.ctx.config();
    const tooBig = size + incoming > cfg.segmentBytes;
    const tooOld = this.ctx.now() - seg.createdAt >= cfg.segmentMs;
    // Index entries hold offsets relative to the segment base in 32 bits.
    const tooManyOffsets = this.nextOffset - seg.baseOffset > 0x7fffffff;
    return tooBig || tooOld || tooManyOffsets;
  }

  private startSegment(): void {
    this.segments.push(Segment.create(this.ctx.dir, this.nextOffset, this.ctx.pool, this.ctx.now()));
    if (this.ctx.fsync !== 'never') syncDir(this.ctx.dir);
    this.ctx.onRoll();
  }

  private advance(hw: number): void {
    if (hw <= this.hw) return;
    this.hw = hw;
    for (const w of this.waiters) {
      if (hw > w.afterOffset) w.wake();
    }
  }

  // ---- reading --------------------------------------------------------------------------------------------

  /** Whole batches from the one holding `offset`, up to about maxBytes (at least one batch). */
  async read(offset: number, maxBytes: number): Promise<BatchSlice[]> {
    this.checkOffset(offset);
    const loading = this.whenLoaded();
    if (loading) await loading;
    let i = this.segmentIndexFor(offset);
    while (i < this.segments.length) {
      const seg = this.segments[i];
      let batches: BatchSlice[];
      try {
        batches = await seg.read(offset, maxBytes);
      } catch (err) {
        if (seg.isRetired) return this.read(offset, maxBytes); // compaction swapped it out mid-read
        throw err;
      }
      const visible = batches.filter((b) => b.header.baseOffset < this.hw);
      if (visible.length > 0 || batches.length > 0) return visible;
      i++; // offset lies past this segment's end (e.g. in a gap left by retention); try the next one
    }
    return [];
  }

  checkOffset(offset: number): void {
    if (!Number.isSafeInteger(offset) || offset < this.startOffset || offset > this.hw) {
      throw new KlogError('OFFSET_OUT_OF_RANGE',
        `offset ${offset} is out of range for ${this.ctx.topic}-${this.ctx.partition}: valid offsets are ${this.startOffset} to ${this.hw}`);
    }
  }

  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid].baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Resolves when the high watermark passes `afterOffset`, after `timeoutMs`, or on abort. */
  waitForAppend(afterOffset: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const wait = new WaitForFirst();
    wait.add(this.onAppend(afterOffset, wait.end));
    if (signal !== undefined) wait.addSignal(signal);
    wait.addTimeout(timeoutMs);
    return wait.promise;
  }

  /**
   * Calls `wake` once, when the high watermark passes `afterOffset` or the log closes, unless the returned cancel
   * comes first. Null, with nothing registered, when it has passed already (or the log is closed).
   */
  onAppend(afterOffset: number, wake: () => void): (() => void) | null {
    if (this.hw > afterOffset || this.closed) return null;
    const waiter: Waiter = {
      afterOffset,
      wake: () => {
        this.waiters.delete(waiter);
        wake();
      },
    };
    this.waiters.add(waiter);
    return () => this.waiters.delete(waiter);
  }

  /** The first batch holding offsets >= `fromOffset` whose max timestamp is >= timestamp, or null when there is none. */
  /** The largest record timestamp in the segments (from their indexes), -1 when they hold no record. */
  async maxTimestamp(): Promise<number> {
    await this.loaded();
    let max = -1;
    for (const seg of this.segments) {
      await seg.ensureIndexes();
      max = Math.max(max, seg.maxTimestamp);
    }
    return max;
  }

  async firstBatchFromTime(timestamp: number, fromOffset: number): Promise<BatchSlice | null> {
    await this.loaded();
    for (const seg of this.segments) {
      await seg.ensureIndexes();
      if (seg.nextOffset <= fromOffset) continue;
      const found = await seg.firstBatchFromTime(timestamp, fromOffset);
      if (found) return found;
    }
    return null;
  }

  // ---- retention ------------------------------------------------------------------------------------------

  /** Deletes whole old segments past the time or size limit; never the active one. Returns segments deleted. */
  enforceRetention(): Promise<number> {
    return this.exclusive(() => this.retentionPass());
  }

  private async retentionPass(): Promise<number> {
    await this.loaded();
    const cfg = this.ctx.config();
    const byAge = deletesByAge(cfg);
    const now = this.ctx.now();
    let deleted = 0;
    while (this.segments.length > 1) {
      const oldest = this.segments[0];
      await oldest.ensureIndexes();
      // Another run (a roll's, or deleteRecordsBefore) may have dropped segments meanwhile: judge afresh.
      if (oldest !== this.segments[0]) continue;
      const total = this.sizeBytes;
      // A segment that compaction emptied holds nothing to keep: it must not hold back the ones behind it.
      const expired = byAge && cfg.retentionMs !== -1 &&
        (oldest.isEmpty || (oldest.maxTimestamp >= 0 && now - oldest.maxTimestamp > cfg.retentionMs));
      const oversize = byAge && cfg.retentionBytes !== -1 && total - oldest.size >= cfg.retentionBytes;
      const belowStart = oldest.nextOffset <= this.startOffset;
      if (!expired && !oversize && !belowStart) break;
      await this.dropOldest();
      deleted++;
    }
    return deleted;
  }

  /** Kafka's DeleteRecords: the log start offset moves up to `offset`; segments wholly below it are deleted. */
  async deleteRecordsBefore(offset: number): Promise<void> {
    await this.loaded();
    if (offset < this.startOffset) return;
    this.checkOffset(offset);
    this.startOffset = offset;
    writeLogStart(this.ctx.dir, offset);
    return this.exclusive(async () => {
      while (this.segments.length > 1 && this.segments[1].baseOffset <= this.startOffset) await this.dropOldest();
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.maintenance.then(fn, fn);
    this.maintenance = run.catch(() => {});
    return run;
  }

  // ---- compaction -----------------------------------------------------------------------------------------

  /**
   * Share of the sealed log not yet cleaned (Kafka's dirty ratio), by bytes; 0 when nothing is sealed.
   * Background compaction of a partition starts when it passes minCleanableDirtyRatio.
   */
  get dirtyRatio(): number {
    // Not loaded since the restart: its whole sealed part counts as dirty, as for a loaded log (see cleanedTo).
    if (this.summary) return this.summary.segments > 1 ? 1 : 0;
    const sealed = this.segments.slice(0, -1);
    const total = sealed.reduce((n, s) => n + s.size, 0);
    if (total === 0) return 0;
    const dirty = sealed.filter((s) => s.baseOffset >= this.cleanedTo).reduce((n, s) => n + s.size, 0);
    return dirty / total;
  }

  /**
   * One compaction pass over the sealed segments old enough to clean (log-cleaner.ts), swapped in crash-safely
   * (compaction-swap.ts). `beforeFirstSwap` runs before anything is committed (the store marks the directory's
   * format there). Reads meanwhile see the old segments or the new ones, each a whole segment.
   */
  compact(rules: CleaningRules, throttle: ByteThrottle, beforeFirstSwap: () => void): Promise<CompactionReport> {
    return this.exclusive(async () => {
      const report: CompactionReport = { segmentsCleaned: 0, bytesBefore: 0, bytesAfter: 0 };
      if (this.closed) return report;
      await this.loaded();
      this.flushPending(); // whether the active segment is empty decides what may be cleaned (beforeActive)
      for (const seg of this.segments) await seg.ensureIndexes(); // maxTimestamp comes from the indexes
      const cleanable = cleanableSegments(this.segments, rules);
      if (cleanable.length === 0) return report;
      // A close does not wait for a whole pass: it stops at the next read, and the cleaned files written so
      // far are dropped, as after a crash.
      const rulesHere: CleaningRules = { ...rules, stop: () => this.closing };
      // Only the dirty section is mapped: a key seen only in the part cleaned before already has just its
      // latest record there. With no dirty segment the pass still runs (tombstones may have expired since).
      const firstDirty = cleanable.findIndex((s) => s.baseOffset >= this.cleanedTo);
      const changed: Segment[] = [];
      let cleaning = cleanable;
      let heldBack = false;
      try {
        const { latest, mapped } = await latestOffsets(firstDirty < 0 ? [] : cleanable.slice(firstDirty), throttle, rulesHere);
        if (firstDirty >= 0) cleaning = cleanable.slice(0, firstDirty + mapped);
        for (const seg of cleaning) {
          const beforeActive = seg === this.segments[this.segments.length - 2] && this.active.isEmpty;
          const cleaned = await writeCleanedSegment(seg, latest, rulesHere, throttle, beforeActive);
          report.bytesBefore += cleaned.bytesBefore;
          report.bytesAfter += cleaned.bytesAfter;
          if (cleaned.changed) changed.push(seg);
          heldBack ||= cleaned.heldBack;
        }
        if (this.closing) throw new KlogError('STORE_CLOSED', 'the log store closed during compaction');
      } catch (err) {
        settleCompaction(this.ctx.dir); // no marker yet: removes the cleaned files written so far
        if (this.closing) return report;
        throw err;
      }
      // Only the last segment can have held its last batch back (it is the one before the active segment).
      const lastCleaned = cleaning[cleaning.length - 1];
      this.cleanedTo = heldBack ? lastCleaned.baseOffset : lastCleaned.nextOffset;
      if (changed.length === 0) return report;
      beforeFirstSwap();
      commitCompaction(this.ctx.dir, changed.map((s) => s.baseOffset));
      settleCompaction(this.ctx.dir);
      for (const old of changed) {
        const fresh = await Segment.load(this.ctx.dir, old.baseOffset, this.ctx.pool);
        await fresh.ensureIndexes(); // rebuilt from the new file and written
        this.segments[this.segments.indexOf(old)] = fresh;
        old.retire();
      }
      report.segmentsCleaned = changed.length;
      return report;
    });
  }

  private async dropOldest(): Promise<void> {
    const oldest = this.segments.shift()!;
    if (this.startOffset < this.segments[0].baseOffset) this.startOffset = this.segments[0].baseOffset;
    await oldest.delete();
  }

  // ---- idempotence ----------------------------------------------------------------------------------------

  /**
   * Producer sequence state, rebuilt lazily from the batch headers of the active segment. Every caller awaits
   * the one load, so batches sent back to back are checked (and appended) in the order they arrived.
   */
  private producerState(): Promise<ProducerState> {
    this.producers ??= this.loadProducerState().catch((err: unknown) => {
      this.producers = null; // let the next append try again
      throw err;
    });
    return this.producers;
  }

  /** The idempotent producers whose sequences this partition checks (those with batches in its active segment). */
  async activeProducers(): Promise<ActiveProducer[]> {
    return (await this.producerState()).active();
  }

  private async loadProducerState(): Promise<ProducerState> {
    await this.loaded(); // a deferred partition's active segment is not known until it is loaded
    const state = new ProducerState();
    const seg = this.active;
    let offset = seg.baseOffset;
    while (offset < this.hw) {
      const batches = await seg.read(offset, 1 << 20);
      if (batches.length === 0) break;
      for (const b of batches) {
        if (ProducerState.isIdempotent(b.header)) {
          const h = b.header;
          state.record(h, Promise.resolve({ baseOffset: h.baseOffset, lastOffset: h.baseOffset + h.lastOffsetDelta }));
        }
      }
      const last = batches[batches.length - 1].header;
      offset = last.baseOffset + last.lastOffsetDelta + 1;
    }
    return state;
  }

  // ---- closing --------------------------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.closed) return;
    while (this.syncing) await this.syncing;
    this.closing = true;
    await this.maintenance;
    await this.loading?.catch(() => undefined); // a load in progress finishes first, so its descriptors are closed
    this.flushPending(); // queued batches are written before the segment is sealed
    this.closed = true;
    for (const w of [...this.waiters]) w.wake();
    if (this.summary) return; // never loaded: nothing is open, and the summary still holds for the next open
    const seg = this.active;
    seg.seal(this.ctx.fsync !== 'never');
    // Everything written is now synced as the policy asks (seal syncs under 'always'): the end the close
    // summary records. Under 'always' an append that came during the close would otherwise still be waiting
    // for its fdatasync here, acknowledged right after, yet left out of the summary the next open trusts.
    this.advance(seg.nextOffset);
    for (const s of this.segments) await s.close();
  }

  async delete(): Promise<void> {
    await this.close();
    for (const s of this.segments) await s.delete();
  }
}
