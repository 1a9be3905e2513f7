// A record whose lock ran out is not taken back by a fetch of the same consumer that was already waiting when it
// ran out (a hung consumer's long-poll, still open at the broker): it goes to another consumer, or to the same
// one's next fetch.
import { expect, it } from 'vitest';
import { SharePartition, type SharePartitionLimits } from '../src/index.js';

const LIMITS: SharePartitionLimits = {
  lockMs: 1_000, maxDeliveries: 5, maxRecordLocks: 10, maxWindowRecords: 1_000, backoff: { baseMs: 0, maxMs: 0 }, deadLetters: false,
};

function withOneRecord(): SharePartition {
  const sp = new SharePartition(LIMITS, { start: 0, archived: 0, records: [] });
  sp.load(0, { timestamp: 0, deliverAt: 0 }, 0);
  return sp;
}

it('a fetch waiting since before the lock ran out does not take the record back; another consumer does', () => {
  const sp = withOneRecord();
  expect(sp.acquire('hung', 1, 0)).toEqual([{ offset: 0, deliveryCount: 1, lockUntil: 1_000 }]);
  // The hung consumer's next fetch began at 10 and is still waiting when the lock runs out at 1,000.
  expect(sp.acquire('hung', 1, 1_000, () => true, 10)).toEqual([]);
  expect(sp.counts(1_000)).toMatchObject({ ready: 1, inFlight: 0 });
  expect(sp.acquire('live', 1, 1_001, () => true, 500)).toEqual([{ offset: 0, deliveryCount: 2, lockUntil: 2_001 }]);
});

it('the same consumer takes it back with a fetch begun after the lock ran out, and without waitingSince as before', () => {
  const sp = withOneRecord();
  sp.acquire('slow', 1, 0);
  expect(sp.acquire('slow', 1, 1_000, () => true, 10)).toEqual([]);
  expect(sp.acquire('slow', 1, 1_200, () => true, 1_100)).toEqual([{ offset: 0, deliveryCount: 2, lockUntil: 2_200 }]);
  // Callers that say nothing of their wait (the model test, the embedded one-shot paths) get it at once.
  const other = withOneRecord();
  other.acquire('slow', 1, 0);
  expect(other.acquire('slow', 1, 1_000)).toEqual([{ offset: 0, deliveryCount: 2, lockUntil: 2_000 }]);
});

it('a record released (not lapsed) goes back to the same waiting consumer at once', () => {
  const sp = withOneRecord();
  sp.acquire('a', 1, 0);
  sp.acknowledge('a', 0, 'release', { delayMs: 0 }, 100);
  expect(sp.acquire('a', 1, 150, () => true, 10)).toEqual([{ offset: 0, deliveryCount: 2, lockUntil: 1_150 }]);
});
