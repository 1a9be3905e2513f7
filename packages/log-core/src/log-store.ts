import { mkdirSync } from 'node:fs';
import type { Logger } from './logger.js';
import { decodeBatch, readBatchHeader, validateBatch, type BatchLimits, type EncodeOptions } from './batch/record-batch.js';
import { KlogError } from './errors.js';
import { defaultOpenSegments, processFdLimit, segmentFileBudget, type FdLimit } from './fd-limit.js';
import { ByteThrottle } from './byte-throttle.js';
import { checkFormatVersion, COMPACTED_FORMAT_VERSION, raiseFormatVersion, writeFormatVersionIfMissing } from './format-version.js';
import { validateFsyncPolicy, type FsyncPolicy } from './fsync-policy.js';
import { HandlePool } from './handle-pool.js';
import { acquireLock } from './lock-file.js';
import { defaultLogger } from './logger.js';
import { logRecoverySummary } from './log-loader.js';
import { PartitionLog, type AppendResult, type CompactionReport, type QueuedBatch } from './partition-log.js';
import type { ActiveProducer } from './producer-state.js';
import { validateRecords } from './record-input.js';
import { chunksUnderLimit, routeRecords } from './record-routing.js';
import { takeCleanShutdownMarker, writeCleanShutdownMarker } from './shutdown-marker.js';
import { StoreMaintenance } from './store-maintenance.js';
import { loadTopics } from './topic-registry.js';
import { compacts, resolveTopicConfig, validateTopicName, type TopicConfig } from './topic-config.js';
import { TopicTable, type Topic } from './topic-table.js';
import type { RecordInput, StoredRecord } from './types.js';
import { WriteCoalescer } from './write-coalescer.js';

export interface LogStoreOptions {
  fsync?: FsyncPolicy;
  logger?: Logger;
  /** Defaults for topics created without an explicit setting. */
  defaults?: Partial<TopicConfig>;
  /** How often retention runs on its own (it also runs after every segment roll). Default 5 minutes. */
  retentionCheckMs?: number;
  /**
   * Most segment files open at once, active segments included; the least recently used are closed and reopened
   * on demand. Default: one per partition plus 256; never more than half the process's open-file limit.
   */
  maxOpenSegments?: number;
  /**
   * The open-file limit (soft RLIMIT_NOFILE) the store plans with: it bounds maxOpenSegments and the partitions
   * a store may hold. Default: read from /proc/self/limits (1024 where it cannot be read).
   */
  maxOpenFiles?: number;
  /**
   * Bytes per second compaction may read and write (explicit passes and background ones alike), so that
   * cleaning does not take the disk from produce and fetch. Default 64 MiB/s.
   */
  compactionBytesPerSecond?: number;
  /**
   * Memory a compaction pass may use for its map of key → latest offset, estimated at 64 bytes per key plus
   * the key's length (Kafka's log.cleaner.dedupe.buffer.size). A partition whose uncleaned part holds more
   * keys is cleaned in several passes, each up to the segment where the map filled. Default 64 MiB (about
   * 800,000 keys of 16 bytes).
   */
  compactionKeyMapBytes?: number;
  /** How often partitions of compacted topics are checked for a dirty ratio worth cleaning. Default 15 s. */
  compactionCheckMs?: number;
  /** Clock, for tests of time-based retention and rolling. */
  now?: () => number;
  /** Told how long each fdatasync of a partition took (a broker's fsync-duration metric). */
  onFsync?: (seconds: number) => void;
  /**
   * Whether appends made in the same event-loop turn share their writes: each partition's batches of the turn
   * go to its file in one write(2) at the end of the turn, and each append resolves after its own write, so
   * what an acknowledged append promises is unchanged. Many small appends in flight at once across many
   * partitions get cheaper (about 17 % less CPU over 1,000 partitions); a lone awaited append pays for the wait
   * (about 10-15 % more CPU at one record per call), and a broker gains nothing (each produce request is served
   * in a turn of its own). Default false: every append is written at once; turn it on for an embedded store
   * that appends to many partitions concurrently.
   */
  coalesceWrites?: boolean;
}

export interface PartitionInfo {
  partition: number;
  logStartOffset: number;
  logEndOffset: number;
  sizeBytes: number;
  segments: number;
}

export interface TopicDescription {
  name: string;
  config: TopicConfig;
  partitions: PartitionInfo[];
}

export interface ReadOptions {
  offset: number;
  /** Byte budget for the batches read (at least one batch is returned, even a larger one). Default 1 MiB. */
  maxBytes?: number;
}

export interface ReadResult {
  records: StoredRecord[];
  nextOffset: number;
  highWatermark: number;
  logStartOffset: number;
}

export interface RawReadResult {
  /** Whole RecordBatch v2 batches back to back, as stored. The first may begin before the offset asked for. */
  data: Buffer;
  nextOffset: number;
  highWatermark: number;
  logStartOffset: number;
}

export interface StoreStats {
  /** Partitions that needed crash recovery at open, and the bytes recovery cut from them. */
  recoveredPartitions: number;
  truncatedBytes: number;
  rebuiltIndexes: number;
}

const DEFAULT_MAX_READ = 1024 * 1024;

/**
 * A durable, partitioned, append-only log in a directory: the embeddable heart of klog.
 * One LogStore per directory per machine (a lock file enforces it).
 */
export class LogStore {
  private readonly topics: TopicTable;
  private readonly maintenance: StoreMaintenance;
  private closed = false;
  private readonly throttle: ByteThrottle;
  private readonly keyMapBytes: number;
  readonly stats: StoreStats = { recoveredPartitions: 0, truncatedBytes: 0, rebuiltIndexes: 0 };

  private constructor(
    readonly dir: string,
    readonly fsync: FsyncPolicy,
    defaults: Partial<TopicConfig>,
    private readonly logger: Logger,
    pool: HandlePool,
    fdLimit: FdLimit,
    openSegments: (partitions: number) => number,
    private readonly now: () => number,
    private readonly releaseLock: () => void,
    onFsync: (seconds: number) => void,
    compaction: { bytesPerSecond: number; keyMapBytes: number },
    private readonly writes: WriteCoalescer,
  ) {
    this.throttle = new ByteThrottle(compaction.bytesPerSecond);
    this.keyMapBytes = compaction.keyMapBytes;
    this.maintenance = new StoreMaintenance(logger, this);
    this.topics = new TopicTable({
      dir, fsync, pool, fdLimit, openSegments, logger, now, defaults, recovery: this.stats, onRoll: () => this.maintenance.scheduleRetention(), onFsync, writes,
    });
  }

  static async open(dir: string, opts: LogStoreOptions = {}): Promise<LogStore> {
    const fsync = validateFsyncPolicy(opts.fsync ?? 'never');
    const logger = opts.logger ?? defaultLogger();
    if (opts.defaults) resolveTopicConfig(opts.defaults); // reject bad defaults now, not at first createTopic
    checkPositiveInteger('maxOpenSegments', opts.maxOpenSegments);
    checkPositiveInteger('maxOpenFiles', opts.maxOpenFiles);
    checkPositiveInteger('compactionBytesPerSecond', opts.compactionBytesPerSecond);
    checkPositiveInteger('compactionCheckMs', opts.compactionCheckMs);
    checkPositiveInteger('compactionKeyMapBytes', opts.compactionKeyMapBytes);
    const fdLimit = opts.maxOpenFiles === undefined ? processFdLimit() : { soft: opts.maxOpenFiles, hard: null };
    mkdirSync(dir, { recursive: true });
    checkFormatVersion(dir); // before the lock: a directory this version cannot read is left untouched
    const releaseLock = acquireLock(dir, (pid) =>
      logger.warn({ dir, pid }, 'took over a lock file left by a process that is no longer running'));
    let store: LogStore | undefined;
    try {
      writeFormatVersionIfMissing(dir);
      const shutdown = takeCleanShutdownMarker(dir);
      const chosen = opts.maxOpenSegments;
      const openSegments = (partitions: number): number =>
        (chosen === undefined ? defaultOpenSegments(fdLimit, partitions) : Math.min(chosen, segmentFileBudget(fdLimit)));
      store = new LogStore(dir, fsync, opts.defaults ?? {}, logger, new HandlePool(openSegments(0)), fdLimit,
        openSegments, opts.now ?? Date.now, releaseLock, opts.onFsync ?? (() => {}),
        { bytesPerSecond: opts.compactionBytesPerSecond ?? 64 * 1024 * 1024, keyMapBytes: opts.compactionKeyMapBytes ?? 64 * 1024 * 1024 },
        new WriteCoalescer(opts.coalesceWrites ?? false));
      await store.topics.openAll(loadTopics(dir), shutdown);
      logRecoverySummary(logger, store.stats);
      store.maintenance.start(opts.retentionCheckMs ?? 5 * 60_000, fsync, opts.compactionCheckMs ?? 15_000);
      return store;
    } catch (err) {
      await store?.topics.closeAll(); // the partitions opened before the failure
      releaseLock();
      throw err;
    }
  }

  // ---- topics ---------------------------------------------------------------------------------------------

  async createTopic(name: string, config: Partial<TopicConfig> = {}): Promise<TopicDescription> {
    this.checkOpen();
    validateTopicName(name);
    await this.topics.create(name, config);
    return this.describeTopic(name);
  }

  /**
   * Changes the settings of an existing topic: everything but its partition count. Validated like createTopic,
   * saved in topics.json, and in force at once (the next roll uses the new segment size, the next retention run
   * the new limits). Returns the new config.
   */
  async alterTopicConfig(name: string, changes: Partial<TopicConfig>): Promise<TopicConfig> {
    const updated = this.topics.alter(this.topic(name), name, changes);
    this.maintenance.scheduleRetention();
    return { ...updated };
  }

  /**
   * Grows a topic to `count` partitions (never shrinks it: that would drop records). The new partitions start
   * empty; keyed records map by the new count from then on, as in Kafka. Persisted in topics.json; all or nothing.
   */
  async addPartitions(name: string, count: number): Promise<TopicDescription> {
    await this.topics.grow(name, this.topic(name), count);
    return this.describeTopic(name);
  }

  async deleteTopic(name: string): Promise<void> {
    await this.topics.delete(name, this.topic(name));
  }

  hasTopic(name: string): boolean {
    return this.topics.get(name) !== undefined;
  }

  listTopics(): string[] {
    return this.topics.names();
  }

  describeTopic(name: string): TopicDescription {
    const topic = this.topic(name);
    return {
      name,
      config: { ...topic.config },
      partitions: topic.partitions.map((p, i) => ({
        partition: i,
        logStartOffset: p.logStartOffset,
        logEndOffset: p.highWatermark,
        sizeBytes: p.sizeBytes,
        segments: p.segmentCount,
      })),
    };
  }

  /** The topic's id: 16 bytes, made with the topic and persisted (Kafka's topic_id). */
  topicId(topic: string): Buffer {
    return Buffer.from(this.topic(topic).id);
  }

  /** The name of the topic with this id, or undefined when no topic has it (deleted, or never made here). */
  topicNameById(id: Buffer): string | undefined {
    for (const [name, topic] of this.topics.entries()) if (topic.id.equals(id)) return name;
    return undefined;
  }

  partitionCount(topic: string): number {
    return this.topic(topic).partitions.length;
  }

  // ---- appending ------------------------------------------------------------------------------------------

  /**
   * Appends records. Each goes to `opts.partition` if given, else keyed records to murmur2(key) mod partitions
   * (as Kafka's client does) and keyless ones to one partition per call. Resolves with one ack per record, in
   * order, once every record is acknowledged under the store's fsync policy.
   */
  async append(topicName: string, records: RecordInput[], opts: { partition?: number } & Pick<EncodeOptions, 'compression'> = {}): Promise<{ partition: number; offset: number }[]> {
    const topic = this.topic(topicName);
    validateRecords(records);
    const n = topic.partitions.length;
    if (opts.partition !== undefined) this.partition(topicName, opts.partition);
    const byPartition = routeRecords(records, n, topic.partitioner, opts.partition);
    const acks = new Array<{ partition: number; offset: number }>(records.length);
    const now = this.now();
    // Every batch is encoded before any is appended, so a record the encoder rejects (too large, bad
    // timestamp) fails the whole call with nothing written.
    const encoded = [...byPartition].map(([p, indexes]) =>
      ({ p, indexes, chunks: [...chunksUnderLimit(indexes.length === records.length ? records : indexes.map((i) => records[i]), topic.config.maxBatchBytes, now, opts.compression)] }));
    const ack = (p: number, indexes: number[], chunk: { first: number; count: number }, { baseOffset }: AppendResult): void => {
      for (let k = 0; k < chunk.count; k++) acks[indexes[chunk.first + k]] = { partition: p, offset: baseOffset + k };
    };
    // One batch in a partition (the usual case) is queued at once, and all of them are awaited together: one
    // promise for the call, not one per partition. Several batches, or a partition that is loading, take the
    // promise path: each batch waits for the one before, so that a failed one stops the records after it.
    const queued: { p: number; indexes: number[]; chunk: { first: number; count: number }; q: QueuedBatch }[] = [];
    const others: Promise<void>[] = [];
    let failure: unknown = null;
    for (const { p, indexes, chunks } of encoded) {
      const log = topic.partitions[p];
      if (chunks.length === 1) {
        const chunk = chunks[0];
        try {
          const q = log.queueOwnBatch(chunk.batch, readBatchHeader(chunk.batch, 0));
          if (q) queued.push({ p, indexes, chunk, q });
          else others.push(this.appendOwnBatch(log, chunk.batch).then((r) => ack(p, indexes, chunk, r)));
        } catch (err) {
          failure ??= err; // the other partitions' batches are still appended, as appendBatch calls would be
        }
        continue;
      }
      others.push((async () => {
        for (const chunk of chunks) ack(p, indexes, chunk, await this.appendOwnBatch(log, chunk.batch));
      })());
    }
    const rest = Promise.all(others);
    for (let i = 0; i < queued.length; i++) {
      // Written by the end of the turn (or earlier, when large): one wait covers every batch still queued.
      while (queued[i].q.state === 'queued') await this.writes.whenFlushed();
    }
    if (failure !== null) {
      rest.catch(() => {}); // the call rejects with the first failure; a later one has nobody to tell
      throw failure;
    }
    for (const { p, indexes, chunk, q } of queued) {
      if (q.error) {
        rest.catch(() => {});
        throw q.error;
      }
      ack(p, indexes, chunk, q.result);
    }
    await rest;
    return acks;
  }

  /**
   * A batch encodeBatch made in this call: its CRC was computed over these very bytes and its records were
   * validated before encoding, so only its header is read back (checking it again would double the CRC work).
   */
  private appendOwnBatch(log: PartitionLog, batch: Buffer): Promise<AppendResult> {
    return log.appendBatch(batch, readBatchHeader(batch, 0));
  }

  /**
   * Appends one already-encoded RecordBatch v2 (magic 2) to a partition: validated (length, CRC, record count,
   * size limit), its base offset assigned in place, stored byte for byte. The broker's produce path.
   * A compressed batch is inflated once here, so that one whose records do not match its header is refused
   * rather than stored and found unreadable later; what is stored is still the bytes as sent.
   */
  async appendBatch(topic: string, partition: number, batch: Buffer): Promise<AppendResult> {
    const log = this.partition(topic, partition);
    return this.appendEncoded(log, batch, { maxBatchBytes: this.topic(topic).config.maxBatchBytes, inflate: true });
  }

  private appendEncoded(log: PartitionLog, batch: Buffer, limits: BatchLimits = {}): Promise<AppendResult> {
    const header = validateBatch(batch, 0, limits);
    if (header.sizeInBytes !== batch.length) {
      throw new KlogError('INVALID_BATCH', `expected exactly one batch of ${header.sizeInBytes} bytes, got ${batch.length} bytes`);
    }
    return log.appendBatch(batch, header);
  }

  // ---- reading --------------------------------------------------------------------------------------------

  async read(topic: string, partition: number, opts: ReadOptions): Promise<ReadResult> {
    const log = this.partition(topic, partition);
    const records: StoredRecord[] = [];
    let offset = opts.offset;
    // In a compacted log the batches read may hold no record at or after `offset` (their records were removed
    // but the batch keeps its offsets): read on, so that a read in a gap returns the next record that exists.
    do {
      const batches = await log.read(offset, opts.maxBytes ?? DEFAULT_MAX_READ);
      for (const b of batches) {
        for (const r of decodeBatch(b.buf).records) if (r.offset >= offset) records.push(r);
      }
      const next = nextOffsetAfter(batches, offset);
      if (next === offset) break;
      offset = next;
    } while (records.length === 0 && offset < log.highWatermark);
    return { records, nextOffset: offset, highWatermark: log.highWatermark, logStartOffset: log.logStartOffset };
  }

  async readBatches(topic: string, partition: number, opts: ReadOptions): Promise<RawReadResult> {
    const log = this.partition(topic, partition);
    // The high watermark as it was before reading: a long-poll that waits for it to move must not miss an append
    // that landed while the read was in progress.
    const highWatermark = log.highWatermark;
    const batches = await log.read(opts.offset, opts.maxBytes ?? DEFAULT_MAX_READ);
    const data = batches.length === 1 ? batches[0].buf : Buffer.concat(batches.map((b) => b.buf));
    return { data, nextOffset: nextOffsetAfter(batches, opts.offset), highWatermark, logStartOffset: log.logStartOffset };
  }

  /** Every record from `offset` on, waiting for new ones at the end, until `signal` aborts or the store closes. */
  async *tail(topic: string, partition: number, opts: { offset: number; signal?: AbortSignal; maxBytes?: number }): AsyncGenerator<StoredRecord> {
    const log = this.partition(topic, partition);
    let offset = opts.offset;
    log.checkOffset(offset);
    while (!opts.signal?.aborted && !this.closed) {
      if (offset < log.highWatermark) {
        const res = await this.read(topic, partition, { offset, maxBytes: opts.maxBytes });
        for (const r of res.records) {
          if (opts.signal?.aborted) return;
          yield r;
        }
        offset = res.nextOffset;
      } else {
        await log.waitForAppend(offset, 60_000, opts.signal);
      }
    }
  }

  /** The idempotent producers a partition tracks: id, epoch, last sequence and last timestamp (DescribeProducers). */
  activeProducers(topic: string, partition: number): Promise<ActiveProducer[]> {
    return this.partition(topic, partition).activeProducers();
  }

  /**
   * Whether a reader waits (waitForAppend) for the partition's next append; false for a partition that does not
   * exist. A broker answers the producer of such an append after the readers it woke (see its produce handler).
   */
  hasWaitingReaders(topic: string, partition: number): boolean {
    if (this.closed) return false;
    return this.topics.get(topic)?.partitions[partition]?.hasWaiters ?? false;
  }

  waitForAppend(topic: string, partition: number, afterOffset: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.partition(topic, partition).waitForAppend(afterOffset, timeoutMs, signal);
  }

  /**
   * waitForAppend as a callback, for a caller that waits on many things at once and ends the wait itself (with a
   * WaitForFirst): `wake` is called once, when the partition's end passes `afterOffset` or the store closes, unless
   * the returned cancel comes first. Null, with nothing registered, when the end is past `afterOffset` already.
   */
  onAppend(topic: string, partition: number, afterOffset: number, wake: () => void): (() => void) | null {
    return this.partition(topic, partition).onAppend(afterOffset, wake);
  }

  logStartOffset(topic: string, partition: number): number {
    return this.partition(topic, partition).logStartOffset;
  }

  logEndOffset(topic: string, partition: number): number {
    return this.partition(topic, partition).highWatermark;
  }

  /** The first offset whose record timestamp is >= `timestamp`, or null if every record is older. */
  async offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<number | null> {
    const log = this.partition(topic, partition);
    let from = log.logStartOffset;
    for (;;) {
      const batch = await log.firstBatchFromTime(timestamp, from);
      if (!batch) return null;
      for (const r of decodeBatch(batch.buf).records) {
        if (r.offset >= log.highWatermark) return null; // not acknowledged yet: invisible to readers
        if (r.timestamp >= timestamp && r.offset >= from) return r.offset;
      }
      // A batch that straddles the log start offset matched only by its deleted records: search on after it.
      from = batch.header.baseOffset + batch.header.lastOffsetDelta + 1;
    }
  }

  /**
   * The record with the largest timestamp (the first of several equal ones), as Kafka's ListOffsets -3 answers;
   * null when the partition holds no readable record.
   */
  async maxTimestampRecord(topic: string, partition: number): Promise<{ offset: number; timestamp: number } | null> {
    const max = await this.partition(topic, partition).maxTimestamp();
    if (max < 0) return null;
    const offset = await this.offsetForTimestamp(topic, partition, max);
    return offset === null ? null : { offset, timestamp: max };
  }

  // ---- retention and maintenance --------------------------------------------------------------------------

  async deleteRecordsBefore(topic: string, partition: number, offset: number): Promise<void> {
    await this.partition(topic, partition).deleteRecordsBefore(offset);
  }

  async enforceRetention(): Promise<void> {
    for (const [name, topic] of this.topics.entries()) {
      for (let p = 0; p < topic.partitions.length; p++) {
        // A one-segment log has nothing retention may delete; skipping it keeps deferred partitions unloaded.
        if (!topic.partitions[p].hasSealedSegments) continue;
        const deleted = await topic.partitions[p].enforceRetention();
        if (deleted > 0) this.logger.info({ topic: name, partition: p, deleted }, 'retention deleted old segments');
      }
    }
  }

  /**
   * One compaction pass over every partition of a compacted topic, now: for each key at least its latest
   * record stays, older ones go, and tombstones older than deleteRetentionMs go too; the active segment and
   * records younger than minCompactionLagMs are left alone. Offsets never change. Resolves when done.
   */
  async compact(topicName: string): Promise<CompactionReport> {
    const topic = this.topic(topicName);
    if (!compacts(topic.config)) {
      throw new KlogError('INVALID_CONFIG',
        `topic ${topicName} has cleanupPolicy '${topic.config.cleanupPolicy}': set it to 'compact' or 'compact,delete' to compact it`);
    }
    const total: CompactionReport = { segmentsCleaned: 0, bytesBefore: 0, bytesAfter: 0 };
    for (let p = 0; p < topic.partitions.length; p++) {
      const r = await this.compactPartition(topicName, topic, p);
      total.segmentsCleaned += r.segmentsCleaned;
      total.bytesBefore += r.bytesBefore;
      total.bytesAfter += r.bytesAfter;
    }
    return total;
  }

  /** The background pass: every partition of a compacted topic whose dirty ratio reached its minimum. */
  async compactDirty(): Promise<void> {
    for (const [name, topic] of this.topics.entries()) {
      if (!compacts(topic.config)) continue;
      for (let p = 0; p < topic.partitions.length; p++) {
        if (this.closed) return;
        const log = topic.partitions[p];
        if (log.dirtyRatio === 0 || log.dirtyRatio < topic.config.minCleanableDirtyRatio) continue;
        const r = await this.compactPartition(name, topic, p);
        if (r.segmentsCleaned > 0) this.logger.info({ topic: name, partition: p, ...r }, 'compaction cleaned segments');
      }
    }
  }

  private compactPartition(name: string, topic: Topic, p: number): Promise<CompactionReport> {
    const cfg = topic.config;
    const rules = { now: this.now(), minCompactionLagMs: cfg.minCompactionLagMs, deleteRetentionMs: cfg.deleteRetentionMs, keyMapBytes: this.keyMapBytes };
    return topic.partitions[p].compact(rules, this.throttle, () => raiseFormatVersion(this.dir, COMPACTED_FORMAT_VERSION));
  }

  /**
   * Writes now every batch that appends of this event-loop turn queued (see coalesceWrites), rather than at the
   * end of the turn; their appends resolve. Never needed for correctness: an append resolves only once written,
   * and syncs and close write what is queued first. For a caller that wants the write(2)s done before it
   * does something slow in the same turn.
   */
  flushPending(): void {
    this.writes.flushAll();
  }

  /** fdatasync of everything written to one partition so far (what produce with acks 'all' waits for). */
  async flushPartition(topic: string, partition: number): Promise<void> {
    await this.partition(topic, partition).sync();
  }

  /** fdatasync of everything written so far. */
  async flush(): Promise<void> {
    for (const [, topic] of this.topics.entries()) await Promise.all(topic.partitions.map((p) => p.sync()));
  }

  /** Flushes and closes every partition and leaves the clean-shutdown marker, so the next open skips recovery. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.maintenance.stop();
    await this.topics.closeAll();
    writeCleanShutdownMarker(this.dir, this.now(), this.topics.summaries());
    this.releaseLock();
  }

  // ---- lookups --------------------------------------------------------------------------------------------

  private checkOpen(): void {
    if (this.closed) throw new KlogError('STORE_CLOSED', `the log store at ${this.dir} is closed`);
  }

  private topic(name: string): Topic {
    this.checkOpen();
    const topic = this.topics.get(name);
    if (!topic) throw new KlogError('UNKNOWN_TOPIC', `topic ${JSON.stringify(name)} does not exist`);
    return topic;
  }

  private partition(topicName: string, partition: number): PartitionLog {
    const topic = this.topic(topicName);
    const log = Number.isInteger(partition) ? topic.partitions[partition] : undefined;
    if (!log) {
      throw new KlogError('UNKNOWN_PARTITION',
        `topic ${topicName} has partitions 0 to ${topic.partitions.length - 1}; there is no partition ${partition}`);
    }
    return log;
  }
}

function checkPositiveInteger(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new KlogError('INVALID_CONFIG', `${name} must be a positive integer, got ${value}`);
  }
}

function nextOffsetAfter(batches: { header: { baseOffset: number; lastOffsetDelta: number } }[], offset: number): number {
  if (batches.length === 0) return offset;
  const last = batches[batches.length - 1].header;
  return last.baseOffset + last.lastOffsetDelta + 1;
}
