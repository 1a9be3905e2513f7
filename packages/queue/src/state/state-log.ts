import { KlogError, type Logger } from '@klog/log-core';
import type { QueueStore } from '../store-port.js';
import { applyUpdate, type PartitionState } from './partition-state.js';
import {
  decodeStateRecord, encodeStateRecord, type QueueRecordValue, type StateRecord, type WritableStateRecord,
} from './state-record.js';

/** Kafka's name for the topic of share-partition state. One partition: replay order is write order. */
export const STATE_TOPIC = '__share_group_state';
const SEGMENT_BYTES = 8 * 1024 * 1024;
const REPLAY_READ_BYTES = 1024 * 1024;

/** Where the writer gets what to write: the changes since the last round, or everything (a snapshot). */
export interface StateSource {
  takeChanges(): WritableStateRecord[];
  snapshotAll(): StateRecord[];
}

export interface RestoredQueue extends QueueRecordValue {
  /** `${topic}/${partition}` → its state. */
  partitions: Map<string, PartitionState>;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

/**
 * The state topic: replayed once at open, then written in rounds. A round takes every change made since the
 * previous round began (group commit: acks and acquisitions made while a round is being appended share the next
 * one) and appends them as update records; whoever asked for a flush before the round began is answered when
 * its append resolved, under the store's fsync policy.
 *
 * Every `snapshotEvery` update records, a round writes a snapshot instead (every queue's config and every
 * partition's whole state, taken in one synchronous step so it is consistent) and then deleteRecordsBefore drops
 * everything older, so reopening reads at most one snapshot and `snapshotEvery` updates. A crash between the two
 * leaves old records in front of the snapshot, which the snapshot overrides on replay.
 */
export class StateLog {
  private source: StateSource | undefined;
  private running: Promise<void> = Promise.resolve();
  private pending: Promise<void> | undefined;
  private sinceSnapshot = 0;
  private forceSnapshot = false;
  /** A round began in this turn of the event loop: the next one waits for the turn's end (see flush). */
  private roundThisTurn = false;

  private constructor(
    private readonly store: QueueStore,
    private readonly logger: Logger,
    private readonly snapshotEvery: number,
  ) {}

  static async open(store: QueueStore, opts: { logger: Logger; snapshotEvery: number }): Promise<{ log: StateLog; restored: Map<string, RestoredQueue> }> {
    if (!store.hasTopic(STATE_TOPIC)) {
      await store.createTopic(STATE_TOPIC, { partitions: 1, retentionMs: -1, retentionBytes: -1, segmentBytes: SEGMENT_BYTES, maxBatchBytes: SEGMENT_BYTES });
    }
    const log = new StateLog(store, opts.logger, opts.snapshotEvery);
    const restored = await log.replay();
    return { log, restored };
  }

  attach(source: StateSource): void {
    this.source = source;
  }

  /** Writes every change made before this call; resolves once they are appended. */
  flush(): Promise<void> {
    if (this.pending === undefined) {
      // The first round of a turn of the event loop begins as soon as the code that asked yields: a lone request
      // (a consumer waiting for the record just produced) is answered in the turn that read it, without waiting
      // for the event loop to come round. A later round of the same turn begins at the turn's end instead: the
      // requests read meanwhile (a broker's other connections, each fetching and acknowledging) join it, and one
      // append carries them all. So a busy broker writes at most two rounds a turn.
      const begin = this.roundThisTurn ? nextTurn : undefined;
      if (!this.roundThisTurn) {
        this.roundThisTurn = true;
        setImmediate(this.turnOver);
      }
      const round = this.running.then(begin).then(() => {
        this.pending = undefined;
        return this.round();
      });
      this.pending = round;
      this.running = round.catch(() => undefined);
    }
    return this.pending;
  }

  private readonly turnOver = (): void => {
    this.roundThisTurn = false;
  };

  /** Waits for the rounds under way (close). */
  async drain(): Promise<void> {
    await this.running;
    if (this.pending !== undefined) await this.pending.catch(() => undefined);
  }

  private async round(): Promise<void> {
    if (this.source === undefined) return;
    const snapshot = this.forceSnapshot || this.sinceSnapshot >= this.snapshotEvery;
    const records = snapshot ? this.source.snapshotAll() : this.source.takeChanges();
    if (records.length === 0) return;
    try {
      const acks = await this.store.append(STATE_TOPIC, records.map(encodeStateRecord), { partition: 0 });
      if (!snapshot) {
        this.sinceSnapshot += records.length;
        return;
      }
      this.forceSnapshot = false;
      this.sinceSnapshot = 0;
      await this.store.deleteRecordsBefore(STATE_TOPIC, 0, acks[0].offset);
      this.logger.debug({ records: records.length }, `${STATE_TOPIC} snapshot written`);
    } catch (err) {
      // What this round took is no longer marked as changed: only a whole snapshot is sure to cover it.
      this.forceSnapshot = true;
      throw err;
    }
  }

  private async replay(): Promise<Map<string, RestoredQueue>> {
    const queues = new Map<string, RestoredQueue>();
    let offset = this.store.logStartOffset(STATE_TOPIC, 0);
    const end = this.store.logEndOffset(STATE_TOPIC, 0);
    while (offset < end) {
      const { records, nextOffset } = await this.store.read(STATE_TOPIC, 0, { offset, maxBytes: REPLAY_READ_BYTES });
      for (const rec of records) {
        let decoded: StateRecord | undefined;
        try {
          decoded = decodeStateRecord(rec.key, rec.value);
        } catch (err) {
          throw new KlogError('CORRUPT_DATA', `${STATE_TOPIC} record at offset ${rec.offset} is not valid JSON`, { cause: err });
        }
        if (decoded === undefined) this.logger.warn({ offset: rec.offset }, `skipping unknown ${STATE_TOPIC} record`);
        else applyRecord(queues, decoded);
        this.sinceSnapshot++;
      }
      if (nextOffset <= offset) break;
      offset = nextOffset;
    }
    return queues;
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function applyRecord(queues: Map<string, RestoredQueue>, rec: StateRecord): void {
  if (rec.kind === 'queue') {
    if (rec.value === null) queues.delete(rec.name);
    else queues.set(rec.name, { ...rec.value, partitions: queues.get(rec.name)?.partitions ?? new Map() });
    return;
  }
  const q = queues.get(rec.name);
  if (q === undefined) return; // written for a queue deleted since
  const key = partitionKey(rec.topic, rec.partition);
  const base = q.partitions.get(key);
  q.partitions.set(key, rec.kind === 'snapshot' || base === undefined ? rec.value : applyUpdate(base, rec.value));
}
