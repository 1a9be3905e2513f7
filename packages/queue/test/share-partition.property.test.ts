import fc from 'fast-check';
import { isKlogError } from '@klog/log-core';
import { expect, it } from 'vitest';
import {
  RecordState, SharePartition, decodeStateRecord, encodeStateRecord, type AckType, type PartitionState, type PersistedRecord,
  type SharePartitionLimits,
} from '../src/index.js';
import { applyUpdate, isFresh } from '../src/state/partition-state.js';
import { replayable } from './helpers.js';

/**
 * One SharePartition against a model that keeps every record forever in a plain array and recomputes
 * everything from it: random loads (some records delayed by a deliver-at time, some after offsets the log
 * skipped), acquisitions, acks of every type (on records held, and on any offset), time passing, consumers
 * leaving, records dropped from the front of the log (retention), and restarts from what the partition handed
 * to the state writer (through the state topic's record encoding).
 */
const LIMITS: SharePartitionLimits = {
  lockMs: 1_000, maxDeliveries: 3, maxRecordLocks: 4, maxWindowRecords: 1_000, backoff: { baseMs: 100, maxMs: 250 }, deadLetters: false,
};

type MState = 'available' | 'acquired' | 'acknowledged' | 'archived';
interface MRecord { state: MState; count: number; notBefore: number; deliverAt: number; owner: string | null; lockUntil: number }

class Model {
  readonly recs: MRecord[] = [];
  archived = 0;

  start(): number {
    let s = 0;
    while (s < this.recs.length && (this.recs[s].state === 'acknowledged' || this.recs[s].state === 'archived')) s++;
    return s;
  }

  load(deliverAt: number): void {
    this.recs.push({ state: 'available', count: 0, notBefore: 0, deliverAt, owner: null, lockUntil: 0 });
  }

  /** An offset the log holds no record at: nothing to deliver. */
  gap(): void {
    this.recs.push({ state: 'acknowledged', count: 0, notBefore: 0, deliverAt: 0, owner: null, lockUntil: 0 });
  }

  /** The log no longer has the records before `offset`: they are gone, held or not. */
  skipTo(offset: number): void {
    while (this.recs.length < offset) this.gap();
    for (let o = 0; o < offset; o++) {
      const r = this.recs[o];
      if (r.state !== 'archived') r.state = 'acknowledged';
      r.owner = null;
    }
  }

  private giveBack(r: MRecord, delay: number, now: number): void {
    r.owner = null;
    if (r.count >= LIMITS.maxDeliveries) return this.archive(r);
    r.state = 'available';
    r.notBefore = delay > 0 ? now + delay : 0;
  }

  private archive(r: MRecord): void {
    r.state = 'archived';
    this.archived++;
  }

  expire(now: number): void {
    for (const r of this.recs) if (r.state === 'acquired' && r.lockUntil <= now) this.giveBack(r, 0, now);
  }

  acquire(consumer: string, max: number, now: number): { offset: number; deliveryCount: number }[] {
    this.expire(now);
    const inFlight = this.recs.filter((r) => r.state === 'acquired').length;
    const room = Math.min(max, LIMITS.maxRecordLocks - inFlight);
    const out: { offset: number; deliveryCount: number }[] = [];
    for (let o = this.start(); o < this.recs.length && out.length < room; o++) {
      const r = this.recs[o];
      if (r.state !== 'available' || Math.max(r.notBefore, r.deliverAt) > now) continue;
      if (r.count >= LIMITS.maxDeliveries) {
        this.archive(r);
        continue;
      }
      r.state = 'acquired';
      r.count++;
      r.owner = consumer;
      r.lockUntil = now + LIMITS.lockMs;
      out.push({ offset: o, deliveryCount: r.count });
    }
    return out;
  }

  /** The error code the ack must get, or undefined, applying it when accepted. */
  ack(consumer: string, offset: number, type: AckType, dc: number | undefined, delayMs: number | undefined, now: number): string | undefined {
    this.expire(now);
    if (type === 'release' && delayMs !== undefined && delayMs < 0) return 'INVALID_ACK';
    if (offset < this.start() || offset >= this.recs.length) return 'INVALID_ACK';
    const r = this.recs[offset];
    const same = dc === undefined || dc === r.count;
    if (r.state !== 'acquired' || r.owner !== consumer || !same) {
      if ((r.state === 'acknowledged' || r.state === 'archived') && r.owner === consumer && same) return 'INVALID_ACK';
      return r.count === 0 ? 'INVALID_ACK' : 'LOCK_LOST';
    }
    if (type === 'accept') r.state = 'acknowledged';
    else if (type === 'reject') this.archive(r);
    else if (type === 'renew') r.lockUntil = now + LIMITS.lockMs;
    else this.giveBack(r, delayMs ?? Math.min(LIMITS.backoff.maxMs, LIMITS.backoff.baseMs * 2 ** (r.count - 1)), now);
    return undefined;
  }

  leave(consumer: string, now: number): void {
    for (const r of this.recs) if (r.state === 'acquired' && r.owner === consumer) this.giveBack(r, 0, now);
  }

  restart(): void {
    for (const r of this.recs) {
      if (r.state === 'acquired') r.state = 'available';
      r.owner = null; // a lock does not survive a restart, nor does who finished a record
    }
  }

  counts(now: number) {
    let ready = 0;
    let delayed = 0;
    let inFlight = 0;
    for (let o = this.start(); o < this.recs.length; o++) {
      const r = this.recs[o];
      if (r.state === 'acquired') inFlight++;
      if (r.state !== 'available') continue;
      if (Math.max(r.notBefore, r.deliverAt) > now) delayed++;
      else ready++;
    }
    return { ready, delayed, inFlight, archived: this.archived };
  }
}

type Op =
  | { kind: 'load'; n: number; delayed: boolean; long: boolean; gap: number }
  | { kind: 'skip'; n: number }
  | { kind: 'acquire'; who: number; max: number }
  | { kind: 'ack'; who: number; pick: number; type: AckType; delay: number | undefined; anyOffset: boolean }
  | { kind: 'advance'; ms: number }
  | { kind: 'leave'; who: number }
  | { kind: 'restart'; snapshot: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('load' as const), n: fc.integer({ min: 1, max: 4 }), delayed: fc.boolean(), long: fc.boolean(),
      gap: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('skip' as const), n: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('acquire' as const), who: fc.nat(2), max: fc.integer({ min: 1, max: 3 }) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('ack' as const), who: fc.nat(2), pick: fc.nat(20),
      type: fc.constantFrom<AckType>('accept', 'release', 'reject', 'renew'),
      delay: fc.option(fc.oneof(fc.integer({ min: -5, max: 2_000 }), fc.integer({ min: 5_001, max: 8_000 })), { nil: undefined }), anyOffset: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 700 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), who: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), snapshot: fc.boolean() }) },
);

/** What the state writer would have on disk: every change handed over, folded in, through the record encoding. */
function persist(sp: SharePartition, disk: PartitionState, snapshot: boolean): PartitionState {
  const change = snapshot ? { snapshot: true as const, state: sp.snapshot() } : sp.takeChanges();
  if (change === undefined) return disk;
  const where = { name: 'q', topic: 't', partition: 0 };
  const encoded = encodeStateRecord(change.snapshot ? { kind: 'snapshot', ...where, value: change.state } : { kind: 'update', ...where, value: change.state });
  const decoded = decodeStateRecord(encoded.key, encoded.value);
  if (decoded === undefined || decoded.kind === 'queue') throw new Error('state record did not survive encoding');
  return decoded.kind === 'snapshot' ? decoded.value : applyUpdate(disk, decoded.value);
}

/**
 * What the state writer has folded in must be the partition's whole state: every update handed over the records
 * changed since the one before, each once, whatever order they changed in (the dirty records reach the writer in
 * runs, taken in offset order by one of several paths: see takeDirtyRuns).
 */
function expectDiskIsWholeState(sp: SharePartition, disk: PartitionState): void {
  const whole = sp.snapshot(); // right after takeChanges: nothing is dirty, so this changes nothing
  // Offsets the log skipped (done, never delivered) are in a snapshot but no update: a reload finds them again.
  const kept = (rs: PersistedRecord[]) => rs.filter((r) => !isFresh(r) && !(r.state === RecordState.ACKNOWLEDGED && r.deliveryCount === 0));
  expect({ ...disk, records: kept(disk.records) }).toEqual({ ...whole, records: kept(whole.records) });
}

/** The next time the model changes by itself: a lock running out or a delay ending; null if none will. */
function modelDeadline(model: Model, now: number): number | null {
  let next = Infinity;
  for (const r of model.recs) {
    if (r.state === 'acquired') next = Math.min(next, r.lockUntil);
    const due = Math.max(r.notBefore, r.deliverAt);
    if (r.state === 'available' && due > now) next = Math.min(next, due);
  }
  return next === Infinity ? null : next;
}

it('a share partition behaves as the model under any sequence of operations, restarts included', () => {
  // Outcomes over all runs, so the property is shown not to be vacuous.
  const seen = new Map<string, number>();
  const count = (what: string) => seen.set(what, (seen.get(what) ?? 0) + 1);
  fc.assert(
    // Changes are handed to the writer after every operation or only every few: then they pile up in any order.
    fc.property(fc.array(opArb, { minLength: 30, maxLength: 120 }), fc.integer({ min: 1, max: 6 }), (ops, persistEvery) => {
      const model = new Model();
      let now = 1_000_000;
      let disk: PartitionState = { start: 0, archived: 0, records: [] };
      let sp = new SharePartition(LIMITS, disk);
      // Per offset of the log: its record's deliver-at time, or null where the log has no record.
      const deliverAts: (number | null)[] = [];
      const held = new Map<string, { offset: number; deliveryCount: number }[]>();
      let sincePersist = 0;
      for (const op of ops) {
        switch (op.kind) {
          case 'load':
            for (let i = 0; i < op.gap; i++) {
              deliverAts.push(null);
              model.gap();
            }
            for (let i = 0; i < op.n; i++) {
              // A long delay parks the record (PARK_AFTER_MS): delivery must not notice.
              const deliverAt = op.delayed && i === 0 ? now + (op.long ? 7_000 : 700) : 0;
              sp.load(deliverAts.length, { timestamp: now, deliverAt }, now);
              deliverAts.push(deliverAt);
              model.load(deliverAt);
            }
            break;
          case 'skip': {
            const to = sp.start + op.n;
            sp.skipTo(to);
            model.skipTo(to);
            while (deliverAts.length < to) deliverAts.push(null);
            count('skip');
            break;
          }
          case 'acquire': {
            const c = `c${op.who}`;
            const got = sp.acquire(c, op.max, now);
            expect(got.map(({ offset, deliveryCount }) => ({ offset, deliveryCount }))).toEqual(model.acquire(c, op.max, now));
            held.set(c, [...(held.get(c) ?? []), ...got]);
            break;
          }
          case 'ack': {
            const c = `c${op.who}`;
            const mine = held.get(c) ?? [];
            const target = op.anyOffset || mine.length === 0
              ? { offset: op.pick % (deliverAts.length + 2), deliveryCount: undefined }
              : mine[op.pick % mine.length];
            const expected = model.ack(c, target.offset, op.type, target.deliveryCount, op.delay, now);
            let got: string | undefined;
            try {
              sp.acknowledge(c, target.offset, op.type, { delayMs: op.delay, deliveryCount: target.deliveryCount, reason: 'r' }, now);
            } catch (err) {
              if (!isKlogError(err)) throw err;
              got = err.code;
            }
            expect(got, `${op.type} of ${target.offset} by ${c}`).toBe(expected);
            count(got ?? op.type);
            if (got === undefined && op.type !== 'renew' && !op.anyOffset) held.set(c, mine.filter((h) => h !== target));
            break;
          }
          case 'advance':
            now += op.ms;
            break;
          case 'leave':
            sp.releaseAll(`c${op.who}`, now);
            model.leave(`c${op.who}`, now);
            held.delete(`c${op.who}`);
            break;
          case 'restart': {
            disk = persist(sp, disk, op.snapshot);
            sp = new SharePartition(LIMITS, disk);
            // The window is read from the log again, from the restored start offset.
            for (let o = sp.end; o < deliverAts.length; o++) {
              const deliverAt = deliverAts[o];
              if (deliverAt !== null) sp.load(o, { timestamp: now, deliverAt }, now);
            }
            model.restart();
            held.clear();
            break;
          }
        }
        if (++sincePersist >= persistEvery || op.kind === 'restart') {
          disk = persist(sp, disk, false);
          expectDiskIsWholeState(sp, disk);
          sincePersist = 0;
        }
        model.expire(now);
        sp.expire(now);
        expect(sp.start).toBe(model.start());
        // The count of records in flight (kept apart from the entries) matches them, through skips, leaves and limits.
        expect(sp.inFlight).toBe(model.recs.filter((r) => r.state === 'acquired').length);
        // The process counters (re-deliveries, dead letters written) start again at each load: the model has no such thing.
        const { oldestReadySince: _, redelivered: _r, deadLettered: _d, ...counts } = sp.counts(now);
        expect(counts).toEqual(model.counts(now));
        if (counts.delayed > 0) count('delayed');
        // Only records waiting to be delivered are parked.
        for (let o = sp.start; o < sp.end; o++) if (sp.isParked(o)) expect(model.recs[o].state, `parked ${o}`).toBe('available');
        if (sp.parkedCount > 0) count('parked');
        // nextDeadline may be early (a lower bound: a waiter looks again), never late, and never now or past.
        const deadline = modelDeadline(model, now);
        const got = sp.nextDeadline(now);
        if (deadline === null) expect(got === null || got > now, `deadline ${got} at ${now}`).toBe(true);
        else {
          expect(got, `deadline at ${now}`).not.toBeNull();
          expect(got! > now && got! <= deadline, `deadline ${got}, model ${deadline}, at ${now}`).toBe(true);
          count(got === deadline ? 'deadline exact' : 'deadline early');
        }
        if (model.recs.some((r) => r.state === 'archived' && r.count === LIMITS.maxDeliveries)) count('limit');
      }
    }),
    replayable('share partition vs model', 300),
  );
  for (const outcome of ['accept', 'release', 'reject', 'renew', 'LOCK_LOST', 'INVALID_ACK', 'delayed', 'limit', 'parked', 'deadline exact', 'skip']) {
    expect(seen.get(outcome) ?? 0, outcome).toBeGreaterThan(10);
  }
});

it('the changes of many records, made in any order and handed over at any point, reach the writer whole', () => {
  // A long window with acks scattered over it: the dirty records are handed over in order or scattered (sorted);
  // the writer's folded state must be the partition's whole state each time.
  const limits: SharePartitionLimits = { ...LIMITS, maxRecordLocks: 1_000 };
  fc.assert(
    fc.property(
      fc.integer({ min: 20, max: 300 }),
      fc.array(fc.record({ pick: fc.nat(), type: fc.constantFrom<AckType>('accept', 'release', 'reject', 'renew'), persist: fc.boolean() }), { maxLength: 150 }),
      (n, acks) => {
        const now = 1_000_000;
        const sp = new SharePartition(limits, { start: 0, archived: 0, records: [] });
        for (let o = 0; o < n; o++) sp.load(o, { timestamp: now, deliverAt: 0 }, now);
        let disk = persist(sp, { start: 0, archived: 0, records: [] }, false);
        const held = [...sp.acquire('c0', Math.ceil(n / 2), now), ...sp.acquire('c1', n, now)];
        for (const a of acks) {
          const h = held[a.pick % held.length];
          try {
            sp.acknowledge(h.offset < Math.ceil(n / 2) ? 'c0' : 'c1', h.offset, a.type, { deliveryCount: h.deliveryCount, delayMs: 0 }, now);
          } catch (err) {
            if (!isKlogError(err)) throw err; // acked twice: refused, nothing changed
          }
          if (a.persist) {
            disk = persist(sp, disk, false);
            expectDiskIsWholeState(sp, disk);
          }
        }
        disk = persist(sp, disk, false);
        expectDiskIsWholeState(sp, disk);
      },
    ),
    replayable('share partition changes in any order', 200),
  );
});
