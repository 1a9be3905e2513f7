import { KlogError } from '@klog/log-core';
import { backoffDelay, type BackoffConfig } from './config.js';
import { OffsetSlots } from './offset-slots.js';
import { isFinished, RecordState, type RecordStateId } from './record-state.js';
import { isFresh, type ArchiveCause, type PartitionState, type PersistedRecord } from './state/partition-state.js';
import { addToRuns, type PartitionRuns, type RunTuple } from './state/record-runs.js';
import type { QueueAckType } from '@klog/protocol';

/** The settings one share partition enforces (a queue's config, less what concerns the log). */
export interface SharePartitionLimits {
  lockMs: number;
  maxDeliveries: number;
  maxRecordLocks: number;
  maxWindowRecords: number;
  backoff: BackoffConfig;
  /** With a dead-letter topic, archived records pass through ARCHIVING until their dead letter is written. */
  deadLetters: boolean;
}

export interface Acquired {
  offset: number;
  deliveryCount: number;
  lockUntil: number;
}

/** The acknowledgement types, as the protocol names them. */
export type AckType = QueueAckType;

export interface AckOptions {
  /** release: available again only after this many ms (default: the queue's backoff). */
  delayMs?: number;
  /** release / reject: the error, kept for the dead letter. */
  reason?: string;
  /** The delivery being acknowledged: an ack from an earlier delivery of the record is LOCK_LOST. */
  deliveryCount?: number;
}

/** A record waiting for its dead letter to be written. */
export interface PendingDeadLetter {
  offset: number;
  deliveryCount: number;
  reason: string | null;
  cause: ArchiveCause;
  dlqFrom: number | null;
}

export interface PartitionCounts {
  /** Available and due, in the window. */
  ready: number;
  delayed: number;
  inFlight: number;
  archived: number;
  /** The earliest time a ready record became ready (its timestamp or the end of its delay); null if none. */
  oldestReadySince: number | null;
  /** Deliveries past a record's first, since this partition was loaded (not kept in the state: a process counter). */
  redelivered: number;
  /** Dead letters written, since this partition was loaded. */
  deadLettered: number;
}

/** Changes since the last call: an update (the changed records as runs), or a whole snapshot when the state was replaced (reset). */
export type PartitionChanges = { snapshot: true; state: PartitionState } | { snapshot: false; state: PartitionRuns };

/** Called for each record acquire() locks, in offset order. */
export type OnAcquired = (offset: number, deliveryCount: number, lockUntil: number) => void;

interface Entry {
  state: RecordStateId;
  deliveryCount: number;
  notBefore: number;
  /** From the record's deliver-at header: not stored, since it is read again with the record. */
  deliverAt: number;
  /** The consumer holding the lock, or (for a finished record) the one that finished it. */
  owner: string | null;
  lockUntil: number;
  reason: string | null;
  cause: ArchiveCause | null;
  dlqFrom: number | null;
  /** Read from the log into the window (restored entries are not, until the window reaches them). */
  loaded: boolean;
  /** The consumer whose lock on it last ran out, and when (see acquire's `waitingSince`); not stored. */
  lapsedBy: string | null;
  lapsedAt: number;
  /** Changed since the last takeChanges (its offset is then in the partition's dirty list). */
  dirty: boolean;
}

const fresh = (): Entry => ({
  state: RecordState.AVAILABLE, deliveryCount: 0, notBefore: 0, deliverAt: 0, owner: null, lockUntil: 0,
  reason: null, cause: null, dlqFrom: null, loaded: false, lapsedBy: null, lapsedAt: 0, dirty: false,
});

/**
 * The entry every record read into the window shares until something happens to it (own() gives it one of its
 * own): most records of a long window only wait, and an object each for them lived long enough to be copied by
 * the garbage collector, often twice. Frozen, so that a change made to it by mistake fails loudly.
 */
const FRESH: Entry = Object.freeze({ ...fresh(), loaded: true });

const ackError = (message: string): KlogError => new KlogError('INVALID_ACK', message);

function checkAckOptions(type: AckType, opts: AckOptions): void {
  if (type === 'release' && opts.delayMs !== undefined && !(Number.isFinite(opts.delayMs) && opts.delayMs >= 0)) {
    throw ackError(`release delay must be a number of ms, 0 or more, got ${opts.delayMs}`);
  }
}

/**
 * A record available no sooner than this far ahead is parked: it no longer counts against the window
 * (maxWindowRecords), so records delayed by hours or days do not hold back the ones behind them. Shorter
 * delays count as usual: they end soon, and parking costs a read of the record from the log when it is due.
 */
export const PARK_AFTER_MS = 5_000;
/** Parked records a partition holds at most, per window record allowed: memory stays bounded (see wantsMore). */
export const PARKED_PER_WINDOW_RECORD = 10;

/**
 * The delivery state of one topic-partition for one queue (Kafka's share partition), with no I/O and no clock:
 * every call that depends on time is given `now`.
 *
 * The window runs from the start offset (every record before it is done) to the end offset (the next record
 * to read from the log). Each record in it is available, acquired (locked by one consumer until lockUntil),
 * acknowledged, archiving or archived. The start offset moves over the finished prefix. Every change that must
 * survive a restart marks the record dirty; takeChanges() hands the dirty records to the state writer.
 *
 * The records in flight and the dirty ones are marked on their entries (a count, and a list of offsets) rather
 * than kept in sets: every delivered record entered and left both, and the hashing and the sets' growth were a
 * good part of a busy queue's cost per record. What needs the records in flight (a lock running out, a consumer
 * leaving) walks the window instead, which happens rarely.
 */
export class SharePartition {
  private startOffset: number;
  private endOffset: number;
  private archivedTotal: number;
  private redeliveredCount = 0;
  private deadLetteredCount = 0;
  /** The entries of the window, [start, end): every offset in it has one (maybe FRESH), and they leave from the front. */
  private readonly win = new OffsetSlots<Entry>();
  /** The timestamps of the records of the window, by offset (numbers, so not kept in the entries FRESH stands for). */
  private readonly times = new OffsetSlots<number>(0);
  /** Restored entries the window has not reached yet (all at or past the end). */
  private readonly ahead = new Map<number, Entry>();
  /** Records ACQUIRED (all of them in the window). */
  private lockedCount = 0;
  /** ARCHIVING records: kept apart so that finding work for the dead-letter writer costs nothing when there is none. */
  private readonly archiving = new Set<number>();
  /** Offsets whose entry is marked dirty, each once, in no order; some may have left the window since. */
  private dirtyList: number[] = [];
  /** Available records due beyond PARK_AFTER_MS when they were loaded or released: outside the window's count. */
  private readonly parked = new Set<number>();
  /**
   * No record in [start, availableFrom) is AVAILABLE: scans for work begin here, not at the start, so that a
   * window full of records in flight or acknowledged out of order is not walked on every acquisition.
   */
  private availableFrom: number;
  /** No lock runs out before this (a lower bound): expire() has nothing to do until then. */
  private nextExpiry = Infinity;
  /**
   * No delayed AVAILABLE record comes due before this (a lower bound, lowered whenever a delay is set):
   * nextDeadline walks the window only once it has passed, not on every wait of a consumer. 0: not known yet.
   */
  private nextDue = 0;
  private headerDirty = false;
  private replaced = false;

  constructor(private limits: SharePartitionLimits, restored: PartitionState) {
    this.startOffset = restored.start;
    this.endOffset = restored.start;
    this.availableFrom = restored.start;
    this.archivedTotal = restored.archived;
    for (const r of restored.records) {
      if (r.offset < restored.start) continue;
      this.ahead.set(r.offset, {
        ...fresh(), state: r.state, deliveryCount: r.deliveryCount, notBefore: r.notBefore, reason: r.reason, cause: r.cause, dlqFrom: r.dlqFrom,
      });
      if (r.state === RecordState.ARCHIVING) this.archiving.add(r.offset);
    }
    this.advance();
  }

  get start(): number {
    return this.startOffset;
  }

  /** The next offset to read from the log. */
  get end(): number {
    return this.endOffset;
  }

  get inFlight(): number {
    return this.lockedCount;
  }

  /** Whether some record waits for its dead letter. */
  get hasPendingDeadLetters(): boolean {
    return this.archiving.size > 0;
  }

  configure(limits: SharePartitionLimits): void {
    this.limits = limits;
  }

  /**
   * Whether the window has room for more records from the log. Parked records do not count, up to
   * PARKED_PER_WINDOW_RECORD × maxWindowRecords of them; past that the window waits for some to come due.
   */
  wantsMore(): boolean {
    return this.endOffset - this.startOffset - this.parked.size < this.limits.maxWindowRecords
      && this.parked.size < PARKED_PER_WINDOW_RECORD * this.limits.maxWindowRecords;
  }

  /** Records parked (see PARK_AFTER_MS) until delivered, whether they are due yet or not. */
  get parkedCount(): number {
    return this.parked.size;
  }

  /** Whether the record at `offset` is parked: its host need not keep its data until it is due. */
  isParked(offset: number): boolean {
    return this.parked.size > 0 && this.parked.has(offset);
  }

  /** The first `max` records that could be delivered now, lowest offset first (a host reads parked ones back). */
  dueOffsets(now: number, max: number): number[] {
    const out: number[] = [];
    for (let o = this.availableFrom; o < this.endOffset && out.length < max; o++) {
      const e = this.win.get(o)!;
      if (e.state === RecordState.AVAILABLE && dueAt(e) <= now) out.push(o);
    }
    return out;
  }

  /** Adds the record at `offset` (the next one after the window) to the window; `now` decides whether it is parked. */
  load(offset: number, record: { timestamp: number; deliverAt: number }, now: number): void {
    this.loadRecord(offset, record.timestamp, record.deliverAt, now);
  }

  /** load(), given the record's timestamp and deliver-at time as they are (a host loading many builds no object each). */
  loadRecord(offset: number, timestamp: number, deliverAt: number, now: number): void {
    if (offset < this.endOffset) throw new Error(`share partition: record ${offset} loaded twice (end ${this.endOffset})`);
    // Offsets the log skipped hold no record: nothing to deliver, nothing to remember.
    while (this.endOffset < offset) {
      this.ahead.delete(this.endOffset);
      this.appendEntry({ ...fresh(), state: RecordState.ACKNOWLEDGED, loaded: true }, 0);
    }
    let e = FRESH;
    if (this.ahead.size > 0) {
      e = this.ahead.get(offset) ?? e;
      this.ahead.delete(offset);
    }
    if (e === FRESH && deliverAt !== FRESH.deliverAt) e = fresh();
    if (e !== FRESH) {
      e.loaded = true;
      e.deliverAt = deliverAt;
    }
    this.appendEntry(e, timestamp);
    this.nextDue = Math.min(this.nextDue, dueAt(e));
    if (e.state === RecordState.AVAILABLE && dueAt(e) > now + PARK_AFTER_MS) this.parked.add(offset);
    this.advance();
  }

  /** The log no longer has the record at `offset` (compacted away while parked): nothing left to deliver. */
  vanished(offset: number): void {
    const found = this.entry(offset);
    if (found?.state !== RecordState.AVAILABLE) return;
    const e = this.own(offset, found);
    e.state = RecordState.ACKNOWLEDGED;
    this.parked.delete(offset);
    this.markDirty(offset, e);
    this.advance();
  }

  /** The log no longer has records before `offset` (retention, deleteRecordsBefore): they are dropped. */
  skipTo(offset: number): void {
    if (offset <= this.startOffset) return;
    for (const o of [...this.ahead.keys()]) if (o < offset) this.ahead.delete(o);
    for (const set of [this.archiving, this.parked]) {
      for (const o of [...set]) if (o < offset) set.delete(o);
    }
    // Dirty entries dropped here stay in the list, which takeChanges filters by the start offset.
    for (let o = this.startOffset; o < Math.min(offset, this.endOffset); o++) {
      if (this.win.get(o)?.state === RecordState.ACQUIRED) this.lockedCount--;
    }
    this.dropWindowBefore(offset);
    this.startOffset = offset;
    this.endOffset = Math.max(this.endOffset, offset);
    this.headerDirty = true;
    this.advance();
  }

  /** Starts over at `offset` with an empty window (reset): locks are dropped, and the state is written whole. */
  reset(offset: number): void {
    this.win.clear(offset);
    this.times.clear(offset);
    this.ahead.clear();
    this.lockedCount = 0;
    this.archiving.clear();
    this.dirtyList = [];
    this.parked.clear();
    this.startOffset = offset;
    this.endOffset = offset;
    this.availableFrom = offset;
    this.replaced = true;
  }

  /**
   * Locks up to `max` due records for `consumer`, lowest offsets first, adding one to each delivery count.
   * `deliverable` passes over records the host cannot hand out yet (a parked record not read back): they stay
   * available. With `waitingSince` (when the consumer's fetch began), a record whose lock ran out on this same
   * consumer after that time is left for others: a hung consumer's fetch, still waiting at the broker, would
   * otherwise take back the very record it failed to finish and hold it for another whole lock. Its next fetch
   * (begun at the lapse or later), proof it is alive, may take it.
   */
  acquire(
    consumer: string, max: number, now: number, deliverable: (offset: number) => boolean = () => true, waitingSince = Infinity,
  ): Acquired[] {
    const out: Acquired[] = [];
    this.acquireEach(consumer, max, now, deliverable, waitingSince, (offset, deliveryCount, lockUntil) => {
      out.push({ offset, deliveryCount, lockUntil });
    });
    return out;
  }

  /**
   * acquire(), handing each record locked to `onAcquired` rather than building a list: a host that makes its own
   * object per delivery (the engine) then makes one per record, not two. Returns how many were locked.
   */
  acquireEach(
    consumer: string, max: number, now: number, deliverable: (offset: number) => boolean, waitingSince: number, onAcquired: OnAcquired,
  ): number {
    this.expire(now);
    let got = 0;
    const room = Math.min(max, this.limits.maxRecordLocks - this.lockedCount);
    // Moves over the records that are no longer available, up to the first one left AVAILABLE.
    let prefix = true;
    for (let o = this.availableFrom; o < this.endOffset && got < room; o++) {
      let e = this.win.get(o)!;
      if (prefix && e.state !== RecordState.AVAILABLE) this.availableFrom = o + 1;
      if (e.state !== RecordState.AVAILABLE || dueAt(e) > now) {
        if (e.state === RecordState.AVAILABLE) prefix = false;
        continue;
      }
      // Only reached when the limit was lowered, or after a restart: a record never goes past the limit.
      if (e.deliveryCount >= this.limits.maxDeliveries) {
        this.archive(o, e, 'limit');
        if (prefix) this.availableFrom = o + 1;
        continue;
      }
      if (!deliverable(o) || (e.lapsedBy === consumer && e.lapsedAt > waitingSince)) {
        prefix = false;
        continue;
      }
      if (prefix) this.availableFrom = o + 1;
      e = this.own(o, e);
      e.lapsedBy = null;
      // Sets are looked at only when they hold something: a busy queue rarely parks a record.
      if (this.parked.size > 0) this.parked.delete(o);
      e.state = RecordState.ACQUIRED;
      e.deliveryCount++;
      if (e.deliveryCount > 1) this.redeliveredCount++;
      e.owner = consumer;
      e.lockUntil = now + this.limits.lockMs;
      this.nextExpiry = Math.min(this.nextExpiry, e.lockUntil);
      this.lockedCount++;
      this.markDirty(o, e);
      got++;
      onAcquired(o, e.deliveryCount, e.lockUntil);
    }
    this.advance();
    return got;
  }

  /** Applies one acknowledgement from `consumer`; returns the record's state after it. */
  acknowledge(consumer: string, offset: number, type: AckType, opts: AckOptions, now: number): RecordStateId {
    this.expire(now);
    checkAckOptions(type, opts);
    const state = this.applyAck(consumer, offset, type, opts, now);
    this.advance();
    return state;
  }

  /** One acknowledgement, checked and applied; the caller expires locks before and moves the start after. */
  private applyAck(consumer: string, offset: number, type: AckType, opts: AckOptions, now: number): RecordStateId {
    const e = offset >= this.startOffset && offset < this.endOffset ? this.win.get(offset) : undefined;
    if (e === undefined) {
      throw ackError(offset < this.startOffset && offset >= 0
        ? `offset ${offset} is already acknowledged (the start offset is ${this.startOffset})`
        : `offset ${offset} was never delivered (window ${this.startOffset}..${this.endOffset})`);
    }
    const sameDelivery = opts.deliveryCount === undefined || opts.deliveryCount === e.deliveryCount;
    if (e.state !== RecordState.ACQUIRED || e.owner !== consumer || !sameDelivery) {
      if (e.state !== RecordState.AVAILABLE && e.state !== RecordState.ACQUIRED && e.owner === consumer && sameDelivery) {
        throw ackError(`offset ${offset} is already acknowledged`);
      }
      if (e.deliveryCount === 0) throw ackError(`offset ${offset} was never delivered`);
      throw new KlogError('LOCK_LOST', `the lock on offset ${offset} is no longer held by ${consumer} (expired, or the consumer left)`);
    }
    // A renew is no outcome, and changes nothing the state topic keeps: a reason it carried was kept in memory only
    // (a snapshot wrote it, an update did not). The reason stays the one of the last release or reject.
    if (opts.reason !== undefined && type !== 'renew') e.reason = opts.reason;
    switch (type) {
      case 'accept':
        this.lockedCount--;
        e.state = RecordState.ACKNOWLEDGED;
        this.markDirty(offset, e);
        break;
      case 'reject':
        this.archive(offset, e, 'rejected');
        break;
      case 'release':
        this.giveBack(offset, e, opts.delayMs ?? backoffDelay(this.limits.backoff, e.deliveryCount), now);
        break;
      case 'renew':
        e.lockUntil = now + this.limits.lockMs;
        this.nextExpiry = Math.min(this.nextExpiry, e.lockUntil);
        break;
    }
    return e.state;
  }

  /** A consumer left: its records go back at once (archived if they used up their deliveries). */
  releaseAll(consumer: string, now: number): number {
    let released = 0;
    for (let o = this.startOffset; o < this.endOffset && this.lockedCount > 0; o++) {
      const e = this.win.get(o)!;
      if (e.state !== RecordState.ACQUIRED || e.owner !== consumer) continue;
      this.giveBack(o, e, 0, now);
      released++;
    }
    this.advance();
    return released;
  }

  /** Returns records whose lock ran out to the queue. */
  expire(now: number): void {
    // Called on every acquisition and ack: the scan of every lock is skipped while none can have run out.
    if (now < this.nextExpiry) return;
    let any = false;
    let next = Infinity;
    for (let o = this.startOffset; o < this.endOffset && this.lockedCount > 0; o++) {
      const e = this.win.get(o)!;
      if (e.state !== RecordState.ACQUIRED) continue;
      if (e.lockUntil > now) {
        next = Math.min(next, e.lockUntil);
        continue;
      }
      e.lapsedBy = e.owner;
      e.lapsedAt = now;
      this.giveBack(o, e, 0, now);
      any = true;
    }
    this.nextExpiry = next;
    if (any) this.advance();
  }

  /** The next time something here changes by itself (a lock runs out, a delay ends); null: nothing will. */
  nextDeadline(now: number): number | null {
    // Lower bounds are enough (waking early only costs a look), so the locks and the window are walked only when
    // a bound has passed: a consumer waiting at maxRecordLocks would otherwise walk them on every acknowledgement.
    let locks = this.nextExpiry;
    if (locks <= now) {
      locks = Infinity;
      for (let o = this.startOffset; o < this.endOffset && this.lockedCount > 0; o++) {
        const e = this.win.get(o)!;
        if (e.state === RecordState.ACQUIRED) locks = Math.min(locks, e.lockUntil);
      }
    }
    if (this.nextDue <= now) {
      let due = Infinity;
      for (let o = this.availableFrom; o < this.endOffset; o++) {
        const e = this.win.get(o)!;
        if (e.state === RecordState.AVAILABLE && dueAt(e) > now) due = Math.min(due, dueAt(e));
      }
      this.nextDue = due;
    }
    const next = Math.min(locks, this.nextDue);
    return next === Infinity ? null : next;
  }

  /** Loaded records waiting for their dead letter. */
  pendingDeadLetters(): PendingDeadLetter[] {
    const out: PendingDeadLetter[] = [];
    for (const offset of this.archiving) {
      const e = this.entry(offset)!;
      if (e.loaded && offset < this.endOffset) {
        out.push({ offset, deliveryCount: e.deliveryCount, reason: e.reason, cause: e.cause ?? 'rejected', dlqFrom: e.dlqFrom });
      }
    }
    return out.sort((a, b) => a.offset - b.offset);
  }

  /** Remembers where the dead-letter partition ended before this record's dead letter is written. */
  markDeadLetterFrom(offset: number, dlqFrom: number): void {
    const e = this.entry(offset);
    if (e?.state !== RecordState.ARCHIVING) return;
    e.dlqFrom = dlqFrom;
    this.markDirty(offset, e);
  }

  /** The dead letter is written: ARCHIVING becomes ARCHIVED. */
  deadLettered(offset: number): void {
    const e = this.entry(offset);
    if (e?.state !== RecordState.ARCHIVING) return;
    e.state = RecordState.ARCHIVED;
    this.archiving.delete(offset);
    this.markDirty(offset, e);
    this.deadLetteredCount++;
    this.advance();
  }

  /**
   * Counts as of `now`, without changing anything (so asking cannot make a change that is not yet durable). A
   * record whose lock ran out counts as ready, like a record restored after a restart; if that was its last
   * delivery, the next acquisition archives it.
   */
  counts(now: number): PartitionCounts {
    const c: PartitionCounts = {
      ready: 0, delayed: 0, inFlight: 0, archived: this.archivedTotal, oldestReadySince: null,
      redelivered: this.redeliveredCount, deadLettered: this.deadLetteredCount,
    };
    const ready = (since: number): void => {
      c.ready++;
      if (c.oldestReadySince === null || since < c.oldestReadySince) c.oldestReadySince = since;
    };
    for (let o = this.startOffset; o < this.endOffset; o++) {
      const e = this.win.get(o)!;
      if (e.state === RecordState.ACQUIRED) {
        if (e.lockUntil > now) c.inFlight++;
        else ready(Math.max(e.lockUntil, this.times.get(o)!));
      } else if (e.state === RecordState.AVAILABLE) {
        const due = dueAt(e);
        if (due > now) c.delayed++;
        else ready(Math.max(due, this.times.get(o)!));
      }
    }
    return c;
  }

  /** What changed since the last call (undefined: nothing); the records handed over are no longer dirty. */
  takeChanges(): PartitionChanges | undefined {
    if (this.replaced) return { snapshot: true, state: this.snapshot() };
    if (!this.headerDirty && this.dirtyList.length === 0) return undefined;
    const runs = this.takeDirtyRuns();
    if (!this.headerDirty && runs.length === 0) return undefined;
    this.headerDirty = false;
    return { snapshot: false, state: { start: this.startOffset, archived: this.archivedTotal, runs } };
  }

  /**
   * The dirty records as runs in offset order, no longer dirty afterwards. They were marked in the order of the
   * changes: a round's acquisitions ascend, and so do each consumer's acks, so the list is mostly in order already
   * and taken as it is; otherwise it is sorted.
   */
  private takeDirtyRuns(): RunTuple[] {
    const list = this.dirtyList;
    this.dirtyList = [];
    let live = 0;
    let ascending = true;
    for (let i = 0; i < list.length; i++) {
      const o = list[i];
      const e = this.entry(o);
      if (e === undefined || !e.dirty) continue; // left the window since it was marked (or listed already)
      e.dirty = false;
      if (live > 0 && o < list[live - 1]) ascending = false;
      list[live++] = o;
    }
    list.length = live;
    if (!ascending) list.sort((a, b) => a - b);
    const runs: RunTuple[] = [];
    for (const o of list) this.addDirtyRun(runs, o, this.entry(o)!);
    return runs;
  }

  /** Adds a dirty record to the runs being handed over (as persisted(): ACQUIRED is stored as AVAILABLE). */
  private addDirtyRun(runs: RunTuple[], offset: number, e: Entry): void {
    const state = e.state === RecordState.ACQUIRED ? RecordState.AVAILABLE : e.state;
    addToRuns(runs, offset, state, e.deliveryCount, e.notBefore, e.reason, e.cause, e.dlqFrom);
  }

  /** The whole state to resume from; nothing is dirty afterwards. */
  snapshot(): PartitionState {
    for (const o of this.dirtyList) {
      const e = this.entry(o);
      if (e !== undefined) e.dirty = false;
    }
    this.dirtyList = [];
    this.headerDirty = false;
    this.replaced = false;
    const records: PersistedRecord[] = [];
    const keep = (o: number, e: Entry): void => {
      const r = persisted(o, e);
      if (!isFresh(r)) records.push(r);
    };
    // Most of a window is records never delivered: looked at in place, and only the others made into records.
    for (let o = this.startOffset; o < this.endOffset; o++) {
      const e = this.win.get(o)!;
      if (e.state !== RecordState.AVAILABLE || e.deliveryCount !== 0 || e.notBefore !== 0 || e.reason !== null) keep(o, e);
    }
    for (const o of [...this.ahead.keys()].sort((a, b) => a - b)) if (o >= this.startOffset) keep(o, this.ahead.get(o)!);
    return { start: this.startOffset, archived: this.archivedTotal, records };
  }

  /** The entry of `offset`: in the window, or restored and not reached yet. */
  private entry(offset: number): Entry | undefined {
    if (offset < this.startOffset) return undefined;
    return offset < this.endOffset ? this.win.get(offset) : this.ahead.get(offset);
  }

  /** Adds the entry of offset `end` (its record's timestamp) to the window, moving the end. */
  private appendEntry(e: Entry, timestamp: number): void {
    this.win.set(this.endOffset, e);
    this.times.set(this.endOffset, timestamp);
    this.endOffset++;
  }

  /** The entry of a record in the window about to change: its own, made now if it shared FRESH. */
  private own(offset: number, e: Entry): Entry {
    if (e !== FRESH) return e;
    const own = fresh();
    own.loaded = true;
    this.win.set(offset, own);
    return own;
  }

  private dropWindowBefore(offset: number): void {
    this.win.dropBefore(offset);
    this.times.dropBefore(offset);
  }

  /** A record coming back from a consumer: available again (after `delayMs`), or archived at the limit. */
  private giveBack(offset: number, e: Entry, delayMs: number, now: number): void {
    if (e.state === RecordState.ACQUIRED) {
      this.lockedCount--;
      e.state = RecordState.AVAILABLE; // or archived just below: either way no longer in flight
    }
    e.owner = null;
    if (e.deliveryCount >= this.limits.maxDeliveries) {
      this.archive(offset, e, 'limit');
      return;
    }
    e.state = RecordState.AVAILABLE;
    this.availableFrom = Math.min(this.availableFrom, offset);
    e.notBefore = delayMs > 0 ? now + delayMs : 0;
    this.nextDue = Math.min(this.nextDue, dueAt(e));
    if (dueAt(e) > now + PARK_AFTER_MS) this.parked.add(offset);
    this.markDirty(offset, e);
  }

  private archive(offset: number, e: Entry, cause: ArchiveCause): void {
    if (e.state === RecordState.ACQUIRED) this.lockedCount--;
    this.parked.delete(offset);
    e.state = this.limits.deadLetters ? RecordState.ARCHIVING : RecordState.ARCHIVED;
    if (e.state === RecordState.ARCHIVING) this.archiving.add(offset);
    e.cause = cause;
    this.archivedTotal++;
    this.headerDirty = true;
    this.markDirty(offset, e);
  }

  private markDirty(offset: number, e: Entry): void {
    if (e.dirty) return;
    e.dirty = true;
    this.dirtyList.push(offset);
  }

  /** Moves the start offset over the finished prefix, forgetting it. */
  private advance(): void {
    for (;;) {
      const o = this.startOffset;
      const e = this.entry(o);
      if (e === undefined || !isFinished(e.state)) break;
      if (o >= this.endOffset) this.ahead.delete(o);
      if (this.parked.size > 0) this.parked.delete(o);
      this.startOffset++;
      this.headerDirty = true;
    }
    if (this.endOffset < this.startOffset) this.endOffset = this.startOffset;
    this.dropWindowBefore(this.startOffset);
    if (this.availableFrom < this.startOffset) this.availableFrom = this.startOffset;
  }
}

function dueAt(e: Entry): number {
  return Math.max(e.notBefore, e.deliverAt);
}

function persisted(offset: number, e: Entry): PersistedRecord {
  return {
    offset,
    state: e.state === RecordState.ACQUIRED ? RecordState.AVAILABLE : e.state,
    deliveryCount: e.deliveryCount,
    notBefore: e.notBefore,
    reason: e.reason,
    cause: e.cause,
    dlqFrom: e.dlqFrom,
  };
}
