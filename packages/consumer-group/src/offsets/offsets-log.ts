import { KlogError } from '@klog/log-core';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { GroupStore } from '../store-port.js';
import { decodeOffsetRecord, encodeOffsetRecord, type OffsetRecord, type StoredOffset } from './offset-record.js';

export const OFFSETS_TOPIC = '__consumer_offsets';
const REPLAY_READ_BYTES = 1024 * 1024;

export interface OffsetsLogOptions {
  clock: Clock;
  logger: Logger;
  /** Size of __consumer_offsets past which a snapshot is written and the older records are dropped. */
  snapshotBytes: number;
}

/**
 * Committed offsets: an in-memory map, made durable in the internal topic __consumer_offsets (one partition)
 * and rebuilt on open by replaying that topic from its start. Every record is an upsert of one
 * (group, topic, partition) key, so replay in order rebuilds exactly the latest state.
 *
 * Snapshot compaction keeps the topic bounded. When its size passes max(snapshotBytes, 2 x the size right after
 * the previous snapshot), every live offset is appended again (the snapshot), then deleteRecordsBefore(first
 * snapshot offset) drops everything older: whole segments, so segments are kept small (a quarter of the
 * threshold). Crash-safety needs no markers: if the process dies mid-snapshot, nothing was deleted yet and
 * replaying old records followed by part of the snapshot still yields the latest values, because the snapshot
 * only repeats them. The 2x rule makes the re-write amortised O(1) per commit even when the live set is large.
 *
 * Writes are serialised through one queue: a commit is visible (to fetchOffsets) only after its append
 * resolved, i.e. under the store's fsync policy, and a snapshot sees every commit before it.
 */
export class OffsetsLog {
  private readonly offsets = new Map<string, Map<string, OffsetRecord & { value: StoredOffset }>>();
  private queue: Promise<unknown> = Promise.resolve();
  private sizeAfterSnapshot = 0;

  private constructor(
    private readonly store: GroupStore,
    private readonly opts: OffsetsLogOptions,
  ) {}

  static async open(store: GroupStore, opts: OffsetsLogOptions): Promise<OffsetsLog> {
    const log = new OffsetsLog(store, opts);
    if (!store.hasTopic(OFFSETS_TOPIC)) {
      const segmentBytes = Math.max(4096, Math.floor(opts.snapshotBytes / 4));
      await store.createTopic(OFFSETS_TOPIC, {
        partitions: 1,
        retentionMs: -1,
        retentionBytes: -1,
        segmentBytes,
        maxBatchBytes: Math.min(1024 * 1024, segmentBytes),
      });
    }
    await log.replay();
    log.sizeAfterSnapshot = log.topicSize();
    return log;
  }

  groups(): string[] {
    return [...this.offsets.keys()];
  }

  /** The group's committed offsets, sorted by topic and partition. */
  committed(groupId: string): (OffsetRecord & { value: StoredOffset })[] {
    return [...(this.offsets.get(groupId)?.values() ?? [])].sort((a, b) =>
      a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
    );
  }

  get(groupId: string, topic: string, partition: number): StoredOffset | undefined {
    return this.offsets.get(groupId)?.get(entryKey(topic, partition))?.value;
  }

  /** Durably record offsets; resolves once appended (and visible). */
  commit(groupId: string, entries: { topic: string; partition: number; offset: number; metadata: string }[]): Promise<void> {
    const commitTimestamp = this.opts.clock.now();
    const records = entries.map((e) => ({
      groupId,
      topic: e.topic,
      partition: e.partition,
      value: { offset: e.offset, metadata: e.metadata, commitTimestamp },
    }));
    return this.write(records);
  }

  /** Durably forget every offset of the group (tombstones). */
  deleteGroup(groupId: string): Promise<void> {
    return this.write(this.committed(groupId).map((r) => ({ ...r, value: null })));
  }

  /** Durably forget some of a group's offsets (tombstones for those committed; the others need none). */
  deletePartitions(groupId: string, partitions: { topic: string; partition: number }[]): Promise<void> {
    const group = this.offsets.get(groupId);
    const doomed = partitions.flatMap((tp) => {
      const r = group?.get(entryKey(tp.topic, tp.partition));
      return r === undefined ? [] : [{ ...r, value: null }];
    });
    return this.write(doomed);
  }

  /** Durably forget every group's offsets of a topic (tombstones), e.g. once the topic is deleted. */
  deleteTopic(topic: string): Promise<void> {
    const doomed = [...this.offsets.values()].flatMap((g) => [...g.values()].filter((r) => r.topic === topic));
    return this.write(doomed.map((r) => ({ ...r, value: null })));
  }

  /** Wait for queued writes (used by close). */
  async drain(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  private write(records: OffsetRecord[]): Promise<void> {
    const run = this.queue.then(async () => {
      if (records.length > 0) {
        await this.store.append(OFFSETS_TOPIC, records.map(encodeOffsetRecord), { partition: 0 });
        for (const r of records) this.apply(r);
      }
      // The commit is already durable: a failed snapshot only postpones compaction to the next write.
      await this.maybeSnapshot().catch((err: unknown) =>
        this.opts.logger.warn({ err }, `${OFFSETS_TOPIC} snapshot failed; will retry on the next commit`),
      );
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private apply(r: OffsetRecord): void {
    const key = entryKey(r.topic, r.partition);
    if (r.value === null) {
      const group = this.offsets.get(r.groupId);
      group?.delete(key);
      if (group?.size === 0) this.offsets.delete(r.groupId);
      return;
    }
    let group = this.offsets.get(r.groupId);
    if (group === undefined) this.offsets.set(r.groupId, (group = new Map()));
    group.set(key, { ...r, value: r.value });
  }

  private async replay(): Promise<void> {
    let offset = this.store.logStartOffset(OFFSETS_TOPIC, 0);
    const end = this.store.logEndOffset(OFFSETS_TOPIC, 0);
    while (offset < end) {
      const { records, nextOffset } = await this.store.read(OFFSETS_TOPIC, 0, { offset, maxBytes: REPLAY_READ_BYTES });
      for (const rec of records) {
        let decoded: OffsetRecord | undefined;
        try {
          decoded = decodeOffsetRecord(rec.key, rec.value);
        } catch (err) {
          throw new KlogError('CORRUPT_DATA', `${OFFSETS_TOPIC} record at offset ${rec.offset} is not valid JSON`, { cause: err });
        }
        if (decoded === undefined) this.opts.logger.warn({ offset: rec.offset }, `skipping unknown ${OFFSETS_TOPIC} record`);
        else this.apply(decoded);
      }
      if (nextOffset <= offset) break;
      offset = nextOffset;
    }
  }

  private async maybeSnapshot(): Promise<void> {
    if (this.topicSize() <= Math.max(this.opts.snapshotBytes, 2 * this.sizeAfterSnapshot)) return;
    const live = [...this.offsets.values()].flatMap((g) => [...g.values()]);
    let start = this.store.logEndOffset(OFFSETS_TOPIC, 0);
    if (live.length > 0) {
      const acks = await this.store.append(OFFSETS_TOPIC, live.map(encodeOffsetRecord), { partition: 0 });
      start = acks[0].offset;
    }
    await this.store.deleteRecordsBefore(OFFSETS_TOPIC, 0, start);
    this.sizeAfterSnapshot = this.topicSize();
    this.opts.logger.info({ liveOffsets: live.length, sizeBytes: this.sizeAfterSnapshot }, `${OFFSETS_TOPIC} snapshot written`);
  }

  private topicSize(): number {
    return this.store.describeTopic(OFFSETS_TOPIC).partitions[0].sizeBytes;
  }
}

function entryKey(topic: string, partition: number): string {
  return `${partition}@${topic}`;
}
