import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { KlogError } from './errors.js';
import { checkPartitionBudget, segmentFileBudget, type FdLimit } from './fd-limit.js';
import type { FsyncPolicy } from './fsync-policy.js';
import type { HandlePool } from './handle-pool.js';
import type { Logger } from './logger.js';
import { PartitionLog, type PartitionContext } from './partition-log.js';
import { Partitioner } from './partitioner.js';
import type { RecoveryReport } from './segment-recovery.js';
import type { PartitionSummary, ShutdownState } from './shutdown-marker.js';
import { resolveTopicConfig, type TopicConfig } from './topic-config.js';
import { newTopicId } from './topic-id.js';
import { saveTopics, type StoredTopic } from './topic-registry.js';
import type { WriteCoalescer } from './write-coalescer.js';

export interface Topic {
  config: TopicConfig;
  /** 16 bytes, fixed for the topic's life (see topic-id.ts). */
  readonly id: Buffer;
  partitions: PartitionLog[];
  partitioner: Partitioner;
}

export interface TopicTableContext {
  dir: string;
  fsync: FsyncPolicy;
  pool: HandlePool;
  fdLimit: FdLimit;
  logger: Logger;
  now: () => number;
  /** Defaults for settings a createTopic leaves out. */
  defaults: Partial<TopicConfig>;
  /** After a segment roll (the store runs retention). */
  onRoll: () => void;
  /** After each fdatasync of a partition, with its duration. */
  onFsync: (seconds: number) => void;
  /** Shared by the partitions: writes queued in an event-loop turn go out together at its end. */
  writes: WriteCoalescer;
  /** The pool's bound for a store of this many partitions. */
  openSegments: (partitions: number) => number;
  /** Tallied as partitions are opened (the store's stats). */
  recovery: { recoveredPartitions: number; truncatedBytes: number; rebuiltIndexes: number };
}

/**
 * The topics of a store and their partition directories: opening them, creating (all or nothing), altering and
 * deleting them, and keeping topics.json in step.
 */
export class TopicTable {
  private readonly topics = new Map<string, Topic>();
  private readonly growing = new Map<string, Promise<void>>();

  constructor(private readonly ctx: TopicTableContext) {}

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  names(): string[] {
    return [...this.topics.keys()].sort();
  }

  entries(): IterableIterator<[string, Topic]> {
    return this.topics.entries();
  }

  /**
   * At store open: every topic of topics.json, then the directories no topic owns are removed. After a clean
   * close, partitions the marker summarised are deferred (loaded on first use); the others are loaded now, and
   * after an unclean shutdown every partition is recovered now, before the store serves.
   */
  async openAll(stored: Map<string, StoredTopic>, shutdown: ShutdownState): Promise<void> {
    const configs = new Map([...stored].map(([name, t]) => [name, t.config]));
    this.warnIfFdLimitLow(configs);
    this.ctx.pool.resize(this.ctx.openSegments([...configs.values()].reduce((n, c) => n + c.partitions, 0)));
    for (const [name, t] of stored) {
      const summaries = shutdown.clean ? shutdown.summaries.get(name) ?? [] : [];
      await this.open(name, t.config, t.id ?? newTopicId(), shutdown.clean, false, summaries);
    }
    this.removeOrphanDirectories(configs);
    // Topics saved before ids existed got theirs just now: kept at once, so the id never changes.
    if ([...stored.values()].some((t) => t.id === null)) saveTopics(this.ctx.dir, this.stored());
  }

  async create(name: string, config: Partial<TopicConfig>): Promise<void> {
    if (this.topics.has(name)) throw new KlogError('TOPIC_EXISTS', `topic ${name} already exists`);
    const resolved = resolveTopicConfig(config, this.ctx.defaults);
    checkPartitionBudget(name, resolved.partitions, this.totalPartitions(), this.ctx.fdLimit);
    // Partition directories first, then the registry: a crash in between leaves orphans that open removes.
    // The registry is written from the topics as they are then, with any created or altered meanwhile.
    // The pool grows before the new partitions open their active segments, so that it does not close the first
    // ones to make room for the last (each would be reopened at its first append).
    this.ctx.pool.resize(this.ctx.openSegments(this.totalPartitions() + resolved.partitions));
    try {
      await this.open(name, resolved, newTopicId(), true, true);
      saveTopics(this.ctx.dir, this.stored());
    } catch (err) {
      const topic = this.topics.get(name);
      if (topic) {
        this.topics.delete(name);
        await this.discardPartitions(name, topic.partitions);
      }
      this.ctx.pool.resize(this.ctx.openSegments(this.totalPartitions()));
      this.ctx.logger.error({ topic: name, partitions: resolved.partitions, err },
        `could not create topic ${name}; nothing of it was kept`);
      throw err;
    }
  }

  /** New settings over the current ones, saved, and in force at once: partitions read topic.config live. */
  alter(topic: Topic, name: string, changes: Partial<TopicConfig>): TopicConfig {
    if (changes.partitions !== undefined && changes.partitions !== topic.config.partitions) {
      throw new KlogError('INVALID_CONFIG',
        `the partition count of topic ${name} (${topic.config.partitions}) is not a setting: grow it with addPartitions (klog topic alter --partitions)`);
    }
    const updated = resolveTopicConfig(changes, topic.config);
    const stored = this.stored();
    stored.set(name, { config: updated, id: topic.id });
    saveTopics(this.ctx.dir, stored);
    topic.config = updated;
    return updated;
  }

  /**
   * More partitions for a topic, all or nothing like create: the new directories first, then topics.json; if
   * any cannot be made, those made are removed and the topic keeps its count. Only growth: fewer partitions
   * would drop records, and keys already map by the count (keyed records map by the new count from now on).
   */
  grow(name: string, topic: Topic, count: number): Promise<void> {
    // One grow of a topic at a time: two at once would both make the same directories.
    const run = (this.growing.get(name) ?? Promise.resolve()).catch(() => undefined).then(() => this.growNow(name, topic, count));
    const settled = run.catch(() => undefined).finally(() => {
      if (this.growing.get(name) === settled) this.growing.delete(name);
    });
    this.growing.set(name, settled);
    return run;
  }

  private async growNow(name: string, topic: Topic, count: number): Promise<void> {
    if (this.topics.get(name) !== topic) throw new KlogError('UNKNOWN_TOPIC', `topic ${JSON.stringify(name)} does not exist`);
    const current = topic.partitions.length;
    if (!Number.isInteger(count) || count <= current) {
      throw new KlogError('INVALID_CONFIG',
        `topic ${name} has ${current} partitions; the new count must be a larger integer, got ${count}`);
    }
    resolveTopicConfig({ partitions: count }, topic.config); // the count is checked before any directory is made
    checkPartitionBudget(name, count - current, this.totalPartitions(), this.ctx.fdLimit);
    const added: PartitionLog[] = [];
    let updated: TopicConfig;
    this.ctx.pool.resize(this.ctx.openSegments(this.totalPartitions() + count - current)); // as in create
    try {
      for (let p = current; p < count; p++) added.push(await this.openPartition(name, p, topic, true, true));
      // While the directories were made, the topic may have been deleted (not to be brought back by this save)
      // or altered (its new settings are the ones to keep).
      if (this.topics.get(name) !== topic) throw new KlogError('UNKNOWN_TOPIC', `topic ${JSON.stringify(name)} was deleted while it grew`);
      updated = resolveTopicConfig({ partitions: count }, topic.config);
      const stored = this.stored();
      stored.set(name, { config: updated, id: topic.id });
      saveTopics(this.ctx.dir, stored);
    } catch (err) {
      for (const log of added) await log.delete();
      for (let i = 0; i < added.length; i++) rmSync(join(this.ctx.dir, `${name}-${current + i}`), { recursive: true, force: true });
      this.ctx.pool.resize(this.ctx.openSegments(this.totalPartitions()));
      this.ctx.logger.error({ topic: name, partitions: count, err },
        `could not add partitions to topic ${name}; it keeps its ${current}`);
      throw err;
    }
    topic.partitions.push(...added);
    topic.config = updated;
    this.ctx.pool.resize(this.ctx.openSegments(this.totalPartitions()));
  }

  async delete(name: string, topic: Topic): Promise<void> {
    this.topics.delete(name);
    saveTopics(this.ctx.dir, this.stored());
    await this.discardPartitions(name, topic.partitions);
    this.ctx.pool.resize(this.ctx.openSegments(this.totalPartitions()));
  }

  /**
   * Opens a topic's partitions. A topic being created is all or nothing: if a partition cannot be created
   * (out of descriptors, space, a name taken), the ones made so far are closed and their directories removed.
   */
  private async open(name: string, config: TopicConfig, id: Buffer, clean: boolean, creating: boolean, summaries: PartitionSummary[] = []): Promise<void> {
    const topic: Topic = { config, id, partitions: [], partitioner: new Partitioner() };
    try {
      for (let p = 0; p < config.partitions; p++) {
        const summary = summaries[p];
        topic.partitions.push(summary ? PartitionLog.deferred(this.partitionContext(name, p, topic), summary)
          : await this.openPartition(name, p, topic, clean, creating));
      }
    } catch (err) {
      if (creating) await this.discardPartitions(name, topic.partitions);
      else for (const p of topic.partitions) await p.close();
      throw err;
    }
    this.topics.set(name, topic);
  }

  /** One partition of a topic; a directory this call made is removed again if the partition cannot open. */
  private async openPartition(name: string, p: number, topic: Topic, clean: boolean, creating: boolean): Promise<PartitionLog> {
    const ctx = this.partitionContext(name, p, topic);
    const existed = existsSync(ctx.dir);
    try {
      return await PartitionLog.open(ctx, clean);
    } catch (err) {
      if (creating && !existed) rmSync(ctx.dir, { recursive: true, force: true });
      throw err;
    }
  }

  private partitionContext(name: string, p: number, topic: Topic): PartitionContext {
    return {
      topic: name,
      partition: p,
      dir: join(this.ctx.dir, `${name}-${p}`),
      config: () => topic.config,
      fsync: this.ctx.fsync,
      pool: this.ctx.pool,
      now: this.ctx.now,
      onRoll: this.ctx.onRoll,
      onFsync: this.ctx.onFsync,
      writes: this.ctx.writes,
      onRecovered: (report) => this.countRecovery(name, p, report),
    };
  }

  /** Every partition's state, for the clean-shutdown marker (after closeAll). */
  summaries(): Map<string, PartitionSummary[]> {
    return new Map([...this.topics].map(([name, t]) => [name, t.partitions.map((p) => p.stateSummary)]));
  }

  /** Closes every partition (at store close, or when opening the store failed partway). */
  async closeAll(): Promise<void> {
    for (const topic of this.topics.values()) {
      for (const p of topic.partitions) await p.close();
    }
  }

  /** Tallies what recovery repaired; only lost bytes deserve a warning of their own (see logRecoverySummary). */
  private countRecovery(topic: string, partition: number, recovery: RecoveryReport): void {
    const tally = this.ctx.recovery;
    tally.recoveredPartitions++;
    tally.truncatedBytes += recovery.truncatedBytes;
    if (recovery.rebuiltIndex) tally.rebuiltIndexes++;
    if (recovery.truncatedBytes > 0) {
      this.ctx.logger.warn({ topic, partition, ...recovery },
        `recovery cut ${recovery.truncatedBytes} bytes of torn or corrupt data from the end of ${topic}-${partition}`);
    }
  }

  /** Closes partitions and removes their directories (a failed create, or a deleted topic). */
  private async discardPartitions(name: string, partitions: PartitionLog[]): Promise<void> {
    for (const p of partitions) await p.delete();
    for (let p = 0; p < partitions.length; p++) rmSync(join(this.ctx.dir, `${name}-${p}`), { recursive: true, force: true });
  }

  /** Once at open: more partitions on disk than the open-file limit lets the store keep open. */
  private warnIfFdLimitLow(configs: Map<string, TopicConfig>): void {
    const partitions = [...configs.values()].reduce((n, c) => n + c.partitions, 0);
    const limit = this.ctx.fdLimit.soft;
    const budget = segmentFileBudget(this.ctx.fdLimit);
    if (partitions <= budget) return;
    this.ctx.logger.warn({ partitions, openFileLimit: limit, openSegmentFiles: budget },
      `the open-file limit ${limit} is low for ${partitions} partitions: at most ${budget} segment files ` +
      'stay open, so appends spread over more partitions than that reopen files; raise it with `ulimit -n`');
  }

  /** Directories left by a topic deletion (or creation) that a crash interrupted. */
  private removeOrphanDirectories(configs: Map<string, TopicConfig>): void {
    const removed: string[] = [];
    for (const entry of readdirSync(this.ctx.dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const m = /^(.+)-(\d+)$/.exec(entry.name);
      if (!m) continue;
      const config = configs.get(m[1]);
      if (config && Number(m[2]) < config.partitions) continue;
      rmSync(join(this.ctx.dir, entry.name), { recursive: true, force: true });
      removed.push(entry.name);
    }
    if (removed.length > 0) {
      // One line however many: a crash during a large create or delete leaves thousands.
      this.ctx.logger.warn({ count: removed.length, examples: removed.slice(0, 5) },
        `removed ${removed.length} partition directories of deleted or unfinished topics`);
    }
  }

  private totalPartitions(): number {
    let n = 0;
    for (const t of this.topics.values()) n += t.partitions.length;
    return n;
  }

  private stored(): Map<string, { config: TopicConfig; id: Buffer }> {
    return new Map([...this.topics].map(([name, t]) => [name, { config: t.config, id: t.id }]));
  }
}
