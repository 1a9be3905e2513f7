// Parking: records delayed far ahead do not count against the window, so the records behind them are read and
// delivered; how many may be parked is bounded, and a parked record is delivered like any other once due.
import { expect, it } from 'vitest';
import { PARK_AFTER_MS, PARKED_PER_WINDOW_RECORD, SharePartition, type SharePartitionLimits } from '../src/index.js';

const LIMITS: SharePartitionLimits = {
  lockMs: 1_000, maxDeliveries: 3, maxRecordLocks: 2, maxWindowRecords: 3, backoff: { baseMs: 0, maxMs: 0 }, deadLetters: false,
};
const DAY = 86_400_000;

it('a window of 3 reads past any number of far-delayed records, up to the parking bound, and not past short delays', () => {
  const sp = new SharePartition(LIMITS, { start: 0, archived: 0, records: [] });
  const now = 1_000;
  // A short delay counts against the window like a ready record.
  sp.load(0, { timestamp: 0, deliverAt: now + PARK_AFTER_MS }, now);
  sp.load(1, { timestamp: 0, deliverAt: 0 }, now);
  expect([sp.isParked(0), sp.parkedCount]).toEqual([false, 0]);
  expect(sp.acquire('a', 2, now).map((r) => r.offset)).toEqual([1]);
  sp.acknowledge('a', 1, 'accept', {}, now);
  // Record 0 holds the start: 2 of the window's 3 are taken (1 is done, but behind it).
  expect(sp.wantsMore()).toBe(true);
  // Days ahead: parked, until the bound.
  const bound = PARKED_PER_WINDOW_RECORD * LIMITS.maxWindowRecords;
  let o = 2;
  while (sp.wantsMore()) sp.load(o++, { timestamp: 0, deliverAt: now + 3 * DAY }, now);
  expect(sp.parkedCount).toBe(bound);
  expect(o - 2).toBe(bound);
  expect(sp.counts(now)).toMatchObject({ ready: 0, delayed: bound + 1 });
  // Due: delivered lowest offset first; the host may pass over one it has not read back yet.
  const later = now + 3 * DAY;
  expect(sp.dueOffsets(later, 3)).toEqual([0, 2, 3]);
  expect(sp.acquire('a', 2, later, (x) => x !== 0).map((r) => r.offset)).toEqual([2, 3]);
  expect([sp.isParked(0), sp.isParked(2), sp.parkedCount]).toEqual([false, false, bound - 2]);
  // Released for another day: parked again; released with no delay: not.
  sp.acknowledge('a', 2, 'release', { delayMs: DAY }, later);
  sp.acknowledge('a', 3, 'release', { delayMs: 0 }, later);
  expect([sp.isParked(2), sp.isParked(3)]).toEqual([true, false]);
  // A parked record the log no longer has is done.
  sp.vanished(4);
  expect(sp.isParked(4)).toBe(false);
  expect(sp.counts(later).delayed).toBe(1); // offset 2, released for a day
});
