import { KlogError, WaitForFirst, type Logger, type StoredRecord } from '@klog/log-core';
import { startTimer, type Clock } from './clock.js';
import type { QueueConfig } from './config.js';
import { writeDeadLetters } from './dead-letter-writer.js';
import { deliverAtOf } from './delivery-header.js';
import { OffsetSlots } from './offset-slots.js';
import { ReadAhead } from './read-ahead.js';
import { redriveDeadLetters } from './redrive.js';
import { SharePartition, type AckType, type SharePartitionLimits } from './share-partition.js';
import type { PartitionState } from './state/partition-state.js';
import { partitionKey } from './state/state-log.js';
import type { StateRecord, WritableStateRecord } from './state/state-record.js';
import type { QueueStore } from './store-port.js';

const READ_BYTES = 1024 * 1024;
/** Reading back one parked record reads its batch: small, since its neighbours are usually not due with it. */
const READ_BACK_BYTES = 64 * 1024;
/** A long-poll on the log is re-armed this often; acks, releases and deadlines wake it earlier. */
const APPEND_WAIT_MS = 30_000;
/** Consumer ids remembered at most (see sameId); past that the memory starts over, which only costs speed. */
const MAX_IDS = 4_096;

/** What the engine needs from its host (the QueueManager). */
export interface EngineContext {
  store: QueueStore;
  clock: Clock;
  logger: Logger;
  /** Makes every state change so far durable in the state topic. */
  persist(): Promise<void>;
}

/** A record handed to a consumer, locked until lockUntil. */
export interface Delivery {
  topic: string;
  partition: number;
  record: StoredRecord;
  deliveryCount: number;
  lockUntil: number;
}

export interface AckRequest {
  topic: string;
  partition: number;
  offset: number;
  type: AckType;
  deliveryCount?: number;
  delayMs?: number;
  reason?: string;
}

export interface PartitionStats {
  topic: string;
  partition: number;
  startOffset: number;
  /** Available now (in the window, or in the log past it). */
  ready: number;
  /** Available later: released with a delay, or carrying a deliver-at time. */
  delayed: number;
  inFlight: number;
  /** Archived since the queue was created (rejected, or out of deliveries). */
  archived: number;
  /** ready + delayed + inFlight (Kafka's share-group lag). */
  lag: number;
  oldestReadyAgeMs: number;
  /** Deliveries past a record's first since the broker (or process) loaded the queue. */
  redelivered: number;
  /** Dead letters written since the queue was loaded. */
  deadLettered: number;
}

export type ResetTarget = 'earliest' | 'latest' | { timestamp: number };

interface PartitionRuntime {
  topic: string;
  partition: number;
  /** Position of the topic in the priority order (0 first); 0 for every topic when there is none. */
  rank: number;
  sp: SharePartition;
  /**
   * The records of the window by offset, for delivery and dead letters; dropped as the start offset passes them.
   * Parked records (delayed far ahead) are left out and read back when due (readBack).
   */
  cache: OffsetSlots<StoredRecord>;
  /** Records read from the log past the window's end, not admitted yet for want of room (see fill). */
  ahead: ReadAhead;
  filling?: Promise<void>;
}

/**
 * One queue at run time: a share partition per topic-partition, the records of their windows, and the waits of
 * consumers for work. Acquisitions are answered only after the delivery counts they raised are durable, and
 * acknowledgements only after their new states are, so a consumer killed at any point still used up its attempt
 * and an acknowledged record is never delivered again.
 */
export class QueueEngine {
  private readonly parts: PartitionRuntime[] = [];
  private readonly wakers = new Set<() => void>();
  private rotation = 0;
  private queueDirty = false;
  private closed = false;
  private deadLetterRun: Promise<void> = Promise.resolve();
  /** One string per consumer id (see sameId). */
  private readonly ids = new Map<string, string>();

  constructor(
    private readonly ctx: EngineContext,
    private cfg: QueueConfig,
    private readonly redrivePositions: Record<string, number>,
    restored: Map<string, PartitionState>,
  ) {
    const { store } = ctx;
    cfg.topics.forEach((topic, i) => {
      if (!store.hasTopic(topic)) {
        ctx.logger.warn({ queue: cfg.name, topic }, 'queue topic no longer exists; its partitions are skipped');
        return;
      }
      for (let p = 0; p < store.partitionCount(topic); p++) {
        const state = restored.get(partitionKey(topic, p));
        const sp = new SharePartition(limitsOf(cfg), state ?? { start: 0, archived: 0, records: [] });
        if (state === undefined) sp.reset(cfg.start === 'earliest' ? store.logStartOffset(topic, p) : store.logEndOffset(topic, p));
        this.parts.push({ topic, partition: p, rank: cfg.priority ? i : 0, sp, cache: new OffsetSlots(), ahead: new ReadAhead() });
      }
    });
  }

  /** Reads every window from the log, so that stats (delays, dead letters waiting) are right before any fetch. */
  async prime(): Promise<void> {
    await Promise.all(this.parts.map((pr) => this.fill(pr)));
  }

  /** The queue's own record (settings, re-drive positions) must be written: it is new, or they changed. */
  markChanged(): void {
    this.queueDirty = true;
  }

  get config(): QueueConfig {
    return this.cfg;
  }

  get name(): string {
    return this.cfg.name;
  }

  /** New settings for the same topics (the caller checked that). */
  reconfigure(cfg: QueueConfig): void {
    this.cfg = cfg;
    for (const pr of this.parts) pr.sp.configure(limitsOf(cfg));
    this.markChanged();
  }

  /**
   * Locks up to `max` records for `consumer`, waiting while there are none: new records in the log, acks,
   * releases and the end of locks and delays all wake it. Resolves [] when `signal` aborts or `maxWaitMs` (by
   * the queue's clock; default: no limit) passes with nothing to deliver.
   */
  async acquire(id: string, max: number, opts: { signal?: AbortSignal; maxWaitMs?: number } = {}): Promise<Delivery[]> {
    const consumer = this.sameId(id);
    const { signal } = opts;
    const waitingSince = this.ctx.clock.now();
    const giveUpAt = opts.maxWaitMs === undefined ? Infinity : waitingSince + Math.max(0, opts.maxWaitMs);
    for (;;) {
      this.checkOpen();
      if (signal?.aborted) return [];
      // Awaited only when there is something to read: otherwise the pick runs in the tick of the call, so that
      // the acks a fetch carries (applied just before) and its acquisitions share one state write.
      const reads = this.parts.filter((pr) => this.mustFill(pr));
      if (reads.length > 0) await Promise.all(reads.map((pr) => this.fill(pr)));
      const backs = this.parts.filter((pr) => pr.sp.parkedCount > 0);
      if (backs.length > 0) await Promise.all(backs.map((pr) => this.readBack(pr, max)));
      this.checkOpen();
      const pickedAt = this.ctx.clock.now();
      const got = this.pick(consumer, max, pickedAt, waitingSince);
      // Expiry may have archived records at the limit, and acquisitions raised counts: all durable first.
      await this.settle();
      if (got.length > 0) return got;
      // A parked record came due between its read and the pick: read it now rather than wait.
      if (this.parts.some((pr) => pr.sp.dueOffsets(this.ctx.clock.now(), 1).some((o) => pr.cache.get(o) === undefined))) continue;
      if (this.ctx.clock.now() >= giveUpAt) return [];
      await this.waitForWork(giveUpAt, pickedAt, signal);
    }
  }

  /** Applies acknowledgements; each gets its error, or undefined. Resolves once the new states are durable. */
  async acknowledge(id: string, acks: AckRequest[]): Promise<(KlogError | undefined)[]> {
    this.checkOpen();
    const consumer = this.sameId(id);
    const now = this.ctx.clock.now();
    const touched = new Set<PartitionRuntime>();
    let last: PartitionRuntime | undefined;
    const results = acks.map((a) => {
      try {
        // The acks of one fetch are mostly for one partition: looked up once per run of them.
        const pr = last !== undefined && last.topic === a.topic && last.partition === a.partition
          ? last : this.parts.find((x) => x.topic === a.topic && x.partition === a.partition);
        if (pr === undefined) throw new KlogError('INVALID_ACK', `queue ${this.name} has no partition ${a.topic}/${a.partition}`);
        // The request carries the ack's options under their own names: passed as they are, no object per ack.
        pr.sp.acknowledge(consumer, a.offset, a.type, a, now);
        // Released far ahead: its data is read again when it is due, rather than held until then.
        if (pr.sp.isParked(a.offset)) pr.cache.delete(a.offset);
        if (pr !== last) touched.add(pr);
        last = pr;
        return undefined;
      } catch (err) {
        if (err instanceof KlogError) return err;
        throw err;
      }
    });
    for (const pr of touched) prune(pr);
    this.wake();
    await this.settle();
    return results;
  }

  /** The consumer is gone: its records are available again at once. */
  async leave(consumer: string): Promise<void> {
    this.ids.delete(consumer);
    const now = this.ctx.clock.now();
    let released = 0;
    for (const pr of this.parts) released += pr.sp.releaseAll(consumer, now);
    if (released === 0) return;
    this.wake();
    if (!this.closed) await this.settle();
  }

  /** Reads new records into the windows first, so that delays and ages are known; changes no state. */
  async stats(): Promise<PartitionStats[]> {
    await this.prime();
    const now = this.ctx.clock.now();
    return this.parts.map((pr) => {
      const c = pr.sp.counts(now);
      const unread = Math.max(0, this.ctx.store.logEndOffset(pr.topic, pr.partition) - pr.sp.end);
      const ready = c.ready + unread;
      return {
        topic: pr.topic, partition: pr.partition, startOffset: pr.sp.start, ready, delayed: c.delayed, inFlight: c.inFlight,
        archived: c.archived, lag: ready + c.delayed + c.inFlight, oldestReadyAgeMs: c.oldestReadySince === null ? 0 : Math.max(0, now - c.oldestReadySince),
        redelivered: c.redelivered, deadLettered: c.deadLettered,
      };
    });
  }

  /** Moves every partition's start offset; records in flight lose their locks. */
  async reset(to: ResetTarget): Promise<void> {
    const { store } = this.ctx;
    for (const pr of this.parts) {
      let offset: number;
      if (to === 'earliest') offset = store.logStartOffset(pr.topic, pr.partition);
      else if (to === 'latest') offset = store.logEndOffset(pr.topic, pr.partition);
      else offset = (await store.offsetForTimestamp(pr.topic, pr.partition, to.timestamp)) ?? store.logEndOffset(pr.topic, pr.partition);
      pr.sp.reset(offset);
      pr.cache.clear(offset); // may move back (earliest): the cache fills again from here
      pr.ahead.clear();
    }
    this.wake();
    await this.ctx.persist();
  }

  /** Produces up to `max` of this queue's dead letters back to their source topics (see redrive.ts). */
  async redrive(max = Infinity): Promise<number> {
    const dlq = this.cfg.deadLetterTopic;
    if (dlq === null || !this.ctx.store.hasTopic(dlq)) return 0;
    const moved = await redriveDeadLetters(this.ctx.store, this.name, dlq, this.redrivePositions, max, async (persistNow) => {
      this.queueDirty = true;
      if (persistNow) await this.ctx.persist();
    });
    await this.ctx.persist();
    return moved;
  }

  /** Stops every wait; later calls fail with QUEUE_CLOSED. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  async drain(): Promise<void> {
    await this.deadLetterRun;
  }

  // ---- the state writer's side --------------------------------------------------------------------------------

  takeChanges(): WritableStateRecord[] {
    const out: WritableStateRecord[] = [];
    if (this.queueDirty) out.push(this.queueRecord());
    for (const pr of this.parts) {
      const c = pr.sp.takeChanges();
      if (c === undefined) continue;
      const where = { name: this.name, topic: pr.topic, partition: pr.partition };
      out.push(c.snapshot ? { kind: 'snapshot', ...where, value: c.state } : { kind: 'update', ...where, value: c.state });
    }
    return out;
  }

  snapshot(): StateRecord[] {
    return [
      this.queueRecord(),
      ...this.parts.map((pr): StateRecord => ({ kind: 'snapshot', name: this.name, topic: pr.topic, partition: pr.partition, value: pr.sp.snapshot() })),
    ];
  }

  // ---- internals ----------------------------------------------------------------------------------------------

  private queueRecord(): StateRecord {
    this.queueDirty = false;
    return { kind: 'queue', name: this.name, value: { config: this.cfg, redrive: { ...this.redrivePositions } } };
  }

  /**
   * The one string this engine uses for a consumer id. A host reads the id from the wire afresh for each request,
   * and every ack compares it with the owner of its record: the same string compares at once, an equal one
   * character by character.
   */
  private sameId(id: string): string {
    const known = this.ids.get(id);
    if (known !== undefined) return known;
    if (this.ids.size >= MAX_IDS) this.ids.clear();
    this.ids.set(id, id);
    return id;
  }

  private checkOpen(): void {
    if (this.closed) throw new KlogError('QUEUE_CLOSED', `queue ${this.name} is closed`);
  }

  /**
   * Admits records into the window while it has room: first those read earlier and left over, then from the log
   * where the window ends. A read takes READ_BYTES at once and what does not fit waits in `ahead`, so a window
   * that frees a few slots at a time (a backlog longer than the window) costs no re-reading of the log.
   */
  private fill(pr: PartitionRuntime): Promise<void> {
    pr.filling ??= (async () => {
      const { store } = this.ctx;
      const logStart = store.logStartOffset(pr.topic, pr.partition);
      if (logStart > pr.sp.start) {
        pr.sp.skipTo(logStart);
        prune(pr);
      }
      const now = this.ctx.clock.now();
      this.admit(pr, now);
      while (pr.sp.wantsMore() && pr.ahead.isEmpty && pr.sp.end < store.logEndOffset(pr.topic, pr.partition)) {
        const from = pr.sp.end;
        const { records } = await store.read(pr.topic, pr.partition, { offset: from, maxBytes: READ_BYTES });
        if (pr.sp.end !== from) continue; // reset while reading: read again from the new end
        if (records.length === 0) break;
        pr.ahead.refill(records, from);
        this.admit(pr, now);
      }
    })().finally(() => {
      pr.filling = undefined;
    });
    return pr.filling;
  }

  /** Whether fill(pr) has anything to do: a fill under way, records dropped from the log, or room and records to admit. */
  private mustFill(pr: PartitionRuntime): boolean {
    if (pr.filling !== undefined) return true;
    const { store } = this.ctx;
    if (store.logStartOffset(pr.topic, pr.partition) > pr.sp.start) return true;
    return pr.sp.wantsMore() && (!pr.ahead.isEmpty || pr.sp.end < store.logEndOffset(pr.topic, pr.partition));
  }

  /** Moves records from `ahead` into the window while it has room. */
  private admit(pr: PartitionRuntime, now: number): void {
    // Left over from before a reset or a skip: they no longer continue the window.
    if (pr.ahead.continuesFrom !== pr.sp.end) pr.ahead.clear();
    let admitted = false;
    for (let r = pr.ahead.peek(); r !== undefined && pr.sp.wantsMore(); r = pr.ahead.peek()) {
      pr.ahead.shift();
      if (r.offset < pr.sp.end) continue;
      pr.sp.loadRecord(r.offset, r.timestamp, deliverAtOf(r.headers), now);
      if (!pr.sp.isParked(r.offset)) pr.cache.set(r.offset, r);
      pr.ahead.continueFrom(pr.sp.end);
      admitted = true;
    }
    if (admitted) prune(pr);
  }

  /**
   * Reads back from the log the parked records that are due now (the first `max` deliverable ones), so that
   * pick can hand them out. A record the log no longer has (compaction) is dropped as done.
   */
  private async readBack(pr: PartitionRuntime, max: number): Promise<void> {
    if (pr.sp.parkedCount === 0) return;
    const missing = pr.sp.dueOffsets(this.ctx.clock.now(), max).filter((o) => pr.cache.get(o) === undefined);
    for (const offset of missing) {
      if (pr.cache.get(offset) !== undefined) continue; // came with an earlier read
      const { records } = await this.ctx.store.read(pr.topic, pr.partition, { offset, maxBytes: READ_BACK_BYTES });
      const wanted = new Set(missing);
      for (const r of records) {
        if (!wanted.has(r.offset) || pr.cache.get(r.offset) !== undefined) continue;
        pr.cache.set(r.offset, r);
      }
      if (pr.cache.get(offset) === undefined && records.some((r) => r.offset > offset)) pr.sp.vanished(offset);
    }
    prune(pr);
  }

  /**
   * Acquires across partitions: by priority rank, and round-robin among partitions of the same rank. Records whose
   * lock ran out on `consumer` while this wait of its was on are left for others (SharePartition.acquire).
   */
  private pick(consumer: string, max: number, now: number, waitingSince: number): Delivery[] {
    const n = this.parts.length;
    const start = this.rotation++ % Math.max(1, n);
    const order = n === 1 ? this.parts : this.parts.map((_, i) => this.parts[(start + i) % n]).sort((a, b) => a.rank - b.rank);
    const out: Delivery[] = [];
    for (const pr of order) {
      if (out.length >= max) {
        pr.sp.expire(now);
        continue;
      }
      const { topic, partition, cache } = pr;
      pr.sp.acquireEach(consumer, max - out.length, now, (o) => cache.get(o) !== undefined, waitingSince, (offset, deliveryCount, lockUntil) => {
        const record = cache.get(offset);
        if (record === undefined) throw new Error(`queue ${this.name}: record ${topic}/${partition}@${offset} acquired but not read`);
        out.push({ topic, partition, record, deliveryCount, lockUntil });
      });
      prune(pr);
    }
    return out;
  }

  /** Every change durable, then the dead letters they call for. */
  private async settle(): Promise<void> {
    await this.ctx.persist();
    if (this.cfg.deadLetterTopic !== null && this.parts.some((pr) => pr.sp.hasPendingDeadLetters)) await this.writeDeadLetters();
  }

  /** Dead letters are written one run at a time; a failed run leaves its records ARCHIVING (durably) for the next. */
  private writeDeadLetters(): Promise<void> {
    const run = this.deadLetterRun.then(async () => {
      const dlq = this.cfg.deadLetterTopic;
      if (dlq === null) return;
      await writeDeadLetters(this.ctx.store, this.ctx.persist, this.name, dlq, this.parts);
      for (const pr of this.parts) prune(pr);
    });
    this.deadLetterRun = run.catch((err: unknown) => this.ctx.logger.warn({ err, queue: this.name }, 'dead-letter write failed; will retry'));
    return this.deadLetterRun;
  }

  private wake(): void {
    for (const w of [...this.wakers]) w();
  }

  /**
   * Until something may have changed: an append to a partition with room, a deadline, an ack, or `signal`.
   * Deadlines count from `pickedAt`, the time of the pick that found nothing: a delay or lock that ended while
   * that pick's state write was under way has a deadline already past, so the wait ends at once.
   */
  private waitForWork(giveUpAt: number, pickedAt: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted) return Promise.resolve();
    const wait = new WaitForFirst();
    this.wakers.add(wait.end);
    wait.add(() => this.wakers.delete(wait.end));
    if (signal !== undefined) wait.addSignal(signal);
    const now = this.ctx.clock.now();
    let deadline = giveUpAt;
    for (const pr of this.parts) {
      const d = pr.sp.nextDeadline(pickedAt);
      if (d !== null) deadline = Math.min(deadline, d);
      if (pr.sp.wantsMore()) {
        wait.add(this.ctx.store.onAppend(pr.topic, pr.partition, pr.sp.end, wait.end));
        deadline = Math.min(deadline, now + APPEND_WAIT_MS);
      }
    }
    // A deadline already past (a delay that ended while the pick's state write was under way) ends the wait now.
    if (deadline <= now) wait.end();
    else if (deadline !== Infinity) wait.add(startTimer(this.ctx.clock, deadline - now, wait.end));
    return wait.promise;
  }
}

function limitsOf(cfg: QueueConfig): SharePartitionLimits {
  return {
    lockMs: cfg.lockMs, maxDeliveries: cfg.maxDeliveries, maxRecordLocks: cfg.maxRecordLocks, maxWindowRecords: cfg.maxWindowRecords,
    backoff: cfg.backoff, deadLetters: cfg.deadLetterTopic !== null,
  };
}

/** Drops cached records the start offset has passed. */
function prune(pr: PartitionRuntime): void {
  pr.cache.dropBefore(pr.sp.start);
}
