import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from './logger.js';
import { decodeBatch, validateBatch, type EncodeOptions } from './batch/record-batch.js';
import { KlogError } from './errors.js';
import { checkPartitionBudget, processFdLimit, segmentFileBudget, type FdLimit } from './fd-limit.js';
import { checkFormatVersion, writeFormatVersionIfMissing } from './format-version.js';
import { validateFsyncPolicy, type FsyncPolicy } from './fsync-policy.js';
import { HandlePool } from './handle-pool.js';
import { acquireLock } from './lock-file.js';
import { defaultLogger } from './logger.js';
import { logRecoverySummary } from './log-loader.js';
import { PartitionLog, type AppendResult } from './partition-log.js';
import type { RecoveryReport } from './segment-recovery.js';
import { Partitioner } from './partitioner.js';
import { validateRecords } from './record-input.js';
import { chunksUnderLimit, routeRecords } from './record-routing.js';
import { takeCleanShutdownMarker, writeCleanShutdownMarker } from './shutdown-marker.js';
import { StoreMaintenance } from './store-maintenance.js';
import { loadTopics, saveTopics } from './topic-registry.js';
import { resolveTopicConfig, validateTopicName, type TopicConfig } from './topic-config.js';
import type { RecordInput, StoredRecord } from './types.js';

export interface LogStoreOptions {
  fsync?: FsyncPolicy;
  logger?: Logger;
  /** Defaults for topics created without an explicit setting. */
  defaults?: Partial<TopicConfig>;
  /** How often retention runs on its own (it also runs after every segment roll). Default 5 minutes. */
  retentionCheckMs?: number;
  /**
   * Most segment files open at once, active segments included; the least recently used are closed and reopened
   * on demand. Default (and ceiling): half the process's open-file limit.
   */
  maxOpenSegments?: number;
  /**
   * The open-file limit (soft RLIMIT_NOFILE) the store plans with: it bounds maxOpenSegments and the partitions
   * a store may hold. Default: read from /proc/self/limits (1024 where it cannot be read).
   */
  maxOpenFiles?: number;
  /** Clock, for tests of time-based retention and rolling. */
  now?: () => number;
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

interface Topic {
  config: TopicConfig;
  partitions: PartitionLog[];
  partitioner: Partitioner;
}

/**
 * A durable, partitioned, append-only log in a directory: the embeddable heart of klog.
 * One LogStore per directory per machine (a lock file enforces it).
 */
export class LogStore {
  private readonly topics = new Map<string, Topic>();
  private readonly maintenance: StoreMaintenance;
  private closed = false;
  readonly stats: StoreStats = { recoveredPartitions: 0, truncatedBytes: 0, rebuiltIndexes: 0 };

  private constructor(
    readonly dir: string,
    readonly fsync: FsyncPolicy,
    private readonly defaults: Partial<TopicConfig>,
    private readonly logger: Logger,
    private readonly pool: HandlePool,
    private readonly fdLimit: FdLimit,
    private readonly now: () => number,
    private readonly releaseLock: () => void,
  ) {
    this.maintenance = new StoreMaintenance(logger, this);
  }

  static async open(dir: string, opts: LogStoreOptions = {}): Promise<LogStore> {
    const fsync = validateFsyncPolicy(opts.fsync ?? 'never');
    const logger = opts.logger ?? defaultLogger();
    if (opts.defaults) resolveTopicConfig(opts.defaults); // reject bad defaults now, not at first createTopic
    const fdLimit = opts.maxOpenFiles === undefined ? processFdLimit() : { soft: opts.maxOpenFiles, hard: null };
    mkdirSync(dir, { recursive: true });
    checkFormatVersion(dir); // before the lock: a directory this version cannot read is left untouched
    const releaseLock = acquireLock(dir, (pid) =>
      logger.warn({ dir, pid }, 'took over a lock file left by a process that is no longer running'));
    try {
      writeFormatVersionIfMissing(dir);
      const clean = takeCleanShutdownMarker(dir);
      const maxOpen = Math.min(opts.maxOpenSegments ?? Infinity, segmentFileBudget(fdLimit));
      const store = new LogStore(dir, fsync, opts.defaults ?? {}, logger, new HandlePool(maxOpen), fdLimit,
        opts.now ?? Date.now, releaseLock);
      const configs = loadTopics(dir);
      store.warnIfFdLimitLow(configs);
      for (const [name, config] of configs) await store.openTopic(name, config, clean);
      logRecoverySummary(logger, store.stats);
      store.removeOrphanDirectories(configs);
      store.maintenance.start(opts.retentionCheckMs ?? 5 * 60_000, fsync);
      return store;
    } catch (err) {
      releaseLock();
      throw err;
    }
  }

  /**
   * Opens a topic's partitions. A topic being created is all or nothing: if a partition cannot be created
   * (out of descriptors, space, a name taken), the ones made so far are closed and their directories removed.
   */
  private async openTopic(name: string, config: TopicConfig, clean: boolean, creating = false): Promise<Topic> {
    const topic: Topic = { config, partitions: [], partitioner: new Partitioner() };
    try {
      for (let p = 0; p < config.partitions; p++) {
        const dir = join(this.dir, `${name}-${p}`);
        const existed = existsSync(dir);
        try {
          const { log, recovery } = await PartitionLog.open({
            topic: name,
            partition: p,
            dir,
            config: () => topic.config,
            fsync: this.fsync,
            pool: this.pool,
            now: this.now,
            onRoll: () => this.maintenance.scheduleRetention(),
          }, clean);
          if (recovery) this.countRecovery(name, p, recovery);
          topic.partitions.push(log);
        } catch (err) {
          if (creating && !existed) rmSync(dir, { recursive: true, force: true });
          throw err;
        }
      }
    } catch (err) {
      if (creating) await this.discardPartitions(name, topic.partitions);
      else for (const p of topic.partitions) await p.close();
      throw err;
    }
    this.topics.set(name, topic);
    return topic;
  }

  /** Tallies what recovery repaired; only lost bytes deserve a warning of their own (see logRecoverySummary). */
  private countRecovery(topic: string, partition: number, recovery: RecoveryReport): void {
    this.stats.recoveredPartitions++;
    this.stats.truncatedBytes += recovery.truncatedBytes;
    if (recovery.rebuiltIndex) this.stats.rebuiltIndexes++;
    if (recovery.truncatedBytes > 0) {
      this.logger.warn({ topic, partition, ...recovery },
        `recovery cut ${recovery.truncatedBytes} bytes of torn or corrupt data from the end of ${topic}-${partition}`);
    }
  }

  /** Closes partitions and removes their directories (a failed create, or a deleted topic). */
  private async discardPartitions(name: string, partitions: PartitionLog[]): Promise<void> {
    for (const p of partitions) await p.delete();
    for (let p = 0; p < partitions.length; p++) rmSync(join(this.dir, `${name}-${p}`), { recursive: true, force: true });
  }

  /** Once at open: more partitions on disk than the open-file limit lets the store keep open. */
  private warnIfFdLimitLow(configs: Map<string, TopicConfig>): void {
    const partitions = [...configs.values()].reduce((n, c) => n + c.partitions, 0);
    const budget = segmentFileBudget(this.fdLimit);
    if (partitions <= budget) return;
    this.logger.warn({ partitions, openFileLimit: this.fdLimit.soft, openSegmentFiles: budget },
      `the open-file limit ${this.fdLimit.soft} is low for ${partitions} partitions: at most ${budget} segment files ` +
      `stay open, so appends spread over more partitions than that reopen files; raise it with \`ulimit -n\``);
  }

  /** Directories left by a topic deletion (or creation) that a crash interrupted. */
  private removeOrphanDirectories(configs: Map<string, TopicConfig>): void {
    const removed: string[] = [];
    for (const entry of readdirSync(this.dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const m = /^(.+)-(\d+)$/.exec(entry.name);
      if (!m) continue;
      const config = configs.get(m[1]);
      if (config && Number(m[2]) < config.partitions) continue;
      rmSync(join(this.dir, entry.name), { recursive: true, force: true });
      removed.push(entry.name);
    }
    if (removed.length > 0) {
      // One line however many: a crash during a large create or delete leaves thousands.
      this.logger.warn({ count: removed.length, examples: removed.slice(0, 5) },
        `removed ${removed.length} partition directories of deleted or unfinished topics`);
    }
  }

  // ---- topics ---------------------------------------------------------------------------------------------

  async createTopic(name: string, config: Partial<TopicConfig> = {}): Promise<TopicDescription> {
    this.checkOpen();
    validateTopicName(name);
    if (this.topics.has(name)) throw new KlogError('TOPIC_EXISTS', `topic ${name} already exists`);
    const resolved = resolveTopicConfig(config, this.defaults);
    checkPartitionBudget(name, resolved.partitions, this.totalPartitions(), this.fdLimit);
    // Partition directories first, then the registry: a crash in between leaves orphans that open removes.
    // The registry is written from the topics as they are then, with any created or altered meanwhile.
    try {
      await this.openTopic(name, resolved, true, true);
      saveTopics(this.dir, this.configs());
    } catch (err) {
      const topic = this.topics.get(name);
      if (topic) {
        this.topics.delete(name);
        await this.discardPartitions(name, topic.partitions);
      }
      this.logger.error({ topic: name, partitions: resolved.partitions, err },
        `could not create topic ${name}; nothing of it was kept`);
      throw err;
    }
    return this.describeTopic(name);
  }

  /**
   * Changes the settings of an existing topic: everything but its partition count. Validated like createTopic,
   * saved in topics.json, and in force at once (the next roll uses the new segment size, the next retention run
   * the new limits). Returns the new config.
   */
  async alterTopicConfig(name: string, changes: Partial<TopicConfig>): Promise<TopicConfig> {
    const topic = this.topic(name);
    if (changes.partitions !== undefined && changes.partitions !== topic.config.partitions) {
      throw new KlogError('INVALID_CONFIG',
        `the partition count of topic ${name} (${topic.config.partitions}) cannot be changed; create a new topic instead`);
    }
    const updated = resolveTopicConfig(changes, topic.config); // the changes over the current settings
    const configs = this.configs();
    configs.set(name, updated);
    saveTopics(this.dir, configs);
    topic.config = updated;
    this.maintenance.scheduleRetention();
    return { ...updated };
  }

  async deleteTopic(name: string): Promise<void> {
    const topic = this.topic(name);
    this.topics.delete(name);
    saveTopics(this.dir, this.configs());
    await this.discardPartitions(name, topic.partitions);
  }

  hasTopic(name: string): boolean {
    return this.topics.has(name);
  }

  listTopics(): string[] {
    return [...this.topics.keys()].sort();
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
      ({ p, indexes, chunks: [...chunksUnderLimit(indexes.map((i) => records[i]), topic.config.maxBatchBytes, now, opts.compression)] }));
    await Promise.all(encoded.map(async ({ p, indexes, chunks }) => {
      const log = topic.partitions[p];
      for (const chunk of chunks) {
        const { baseOffset } = await this.appendEncoded(log, chunk.batch);
        for (let k = 0; k < chunk.count; k++) acks[indexes[chunk.first + k]] = { partition: p, offset: baseOffset + k };
      }
    }));
    return acks;
  }

  /**
   * Appends one already-encoded RecordBatch v2 (magic 2) to a partition: validated (length, CRC, record count,
   * size limit), its base offset assigned in place, stored byte for byte. The broker's produce path.
   */
  async appendBatch(topic: string, partition: number, batch: Buffer): Promise<AppendResult> {
    const log = this.partition(topic, partition);
    return this.appendEncoded(log, batch, this.topic(topic).config.maxBatchBytes);
  }

  private appendEncoded(log: PartitionLog, batch: Buffer, maxBatchBytes?: number): Promise<AppendResult> {
    const header = validateBatch(batch, 0, { maxBatchBytes });
    if (header.sizeInBytes !== batch.length) {
      throw new KlogError('INVALID_BATCH', `expected exactly one batch of ${header.sizeInBytes} bytes, got ${batch.length} bytes`);
    }
    return log.appendBatch(batch, header);
  }

  // ---- reading --------------------------------------------------------------------------------------------

  async read(topic: string, partition: number, opts: ReadOptions): Promise<ReadResult> {
    const log = this.partition(topic, partition);
    const batches = await log.read(opts.offset, opts.maxBytes ?? DEFAULT_MAX_READ);
    const records: StoredRecord[] = [];
    for (const b of batches) {
      for (const r of decodeBatch(b.buf).records) if (r.offset >= opts.offset) records.push(r);
    }
    return { records, nextOffset: nextOffsetAfter(batches, opts.offset), highWatermark: log.highWatermark, logStartOffset: log.logStartOffset };
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

  waitForAppend(topic: string, partition: number, afterOffset: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.partition(topic, partition).waitForAppend(afterOffset, timeoutMs, signal);
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

  // ---- retention and maintenance --------------------------------------------------------------------------

  async deleteRecordsBefore(topic: string, partition: number, offset: number): Promise<void> {
    await this.partition(topic, partition).deleteRecordsBefore(offset);
  }

  async enforceRetention(): Promise<void> {
    for (const [name, topic] of this.topics) {
      for (let p = 0; p < topic.partitions.length; p++) {
        const deleted = await topic.partitions[p].enforceRetention();
        if (deleted > 0) this.logger.info({ topic: name, partition: p, deleted }, 'retention deleted old segments');
      }
    }
  }

  /** fdatasync of everything written to one partition so far (what produce with acks 'all' waits for). */
  async flushPartition(topic: string, partition: number): Promise<void> {
    await this.partition(topic, partition).sync();
  }

  /** fdatasync of everything written so far. */
  async flush(): Promise<void> {
    for (const topic of this.topics.values()) await Promise.all(topic.partitions.map((p) => p.sync()));
  }

  /** Flushes and closes every partition and leaves the clean-shutdown marker, so the next open skips recovery. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.maintenance.stop();
    for (const topic of this.topics.values()) {
      for (const p of topic.partitions) await p.close();
    }
    writeCleanShutdownMarker(this.dir, this.now());
    this.releaseLock();
  }

  // ---- lookups --------------------------------------------------------------------------------------------

  private totalPartitions(): number {
    let n = 0;
    for (const t of this.topics.values()) n += t.partitions.length;
    return n;
  }

  private configs(): Map<string, TopicConfig> {
    return new Map([...this.topics].map(([name, t]) => [name, t.config]));
  }

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

function nextOffsetAfter(batches: { header: { baseOffset: number; lastOffsetDelta: number } }[], offset: number): number {
  if (batches.length === 0) return offset;
  const last = batches[batches.length - 1].header;
  return last.baseOffset + last.lastOffsetDelta + 1;
}
