// shareFetch v1 carries acknowledgements (as Kafka's ShareFetch does), spoken by hand on a raw connection: acks
// are answered per ack in ackResults, applied before records are locked, and a fetch carrying any does not
// long-poll. A v0 member (an older client: separate fetches and shareAcknowledge) still works.
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, type Frame } from '../broker/fixture.js';
import { produceNumbered } from '../broker/group-fixture.js';
import { useRawQueueBroker } from './raw-queue-fixture.js';

afterAll(removeTempDirs);

interface WireRecord { topic: string; partition: number; offset: number; deliveryCount: number }

const records = (answer: Frame): WireRecord[] => answer.records as WireRecord[];
const accept = (r: WireRecord, deliveryCount = r.deliveryCount) => ({ topic: r.topic, partition: r.partition, offset: r.offset, type: 'accept', deliveryCount });

describe('shareFetch with acknowledgements', () => {
  const setup = useRawQueueBroker();

  it('answers each carried ack at its index, applies them before locking, and does not wait when it carries any', async () => {
    await produceNumbered(setup.client, 'jobs', 0, 6);
    const member = { queue: 'work', memberId: 'raw-1' };
    const first = await setup.raw.request('shareFetch', { ...member, maxRecords: 3, maxWaitMs: 0 }, { version: 1 });
    expect(first.ackResults).toEqual([]);
    const held = records(first);
    expect(held.map((r) => r.offset)).toEqual([0, 1, 2]);

    // An accept, a stale delivery (LOCK_LOST) and an offset never delivered (INVALID_ACK), with a fetch for more.
    const second = await setup.raw.request('shareFetch', {
      ...member, maxRecords: 10, maxWaitMs: 5_000,
      acks: [accept(held[0]), accept(held[1], 7), { ...accept(held[2]), offset: 5 }],
    }, { version: 1 });
    expect((second.ackResults as Frame[]).map((r) => [r.offset, r.errorCode ?? null])).toEqual([[0, null], [1, 'LOCK_LOST'], [5, 'INVALID_ACK']]);
    expect(records(second).map((r) => r.offset)).toEqual([3, 4, 5]);

    // Nothing left to lock: a fetch with acks answers at once instead of waiting its 60 s.
    const rest = [held[1], held[2], ...records(second)];
    const started = Date.now();
    const third = await setup.raw.request('shareFetch', { ...member, maxRecords: 10, maxWaitMs: 60_000, acks: rest.map((r) => accept(r)) }, { version: 1 });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(records(third)).toEqual([]);
    expect((third.ackResults as Frame[]).every((r) => r.errorCode === undefined)).toBe(true);

    // Every record accepted: none is left or in flight.
    const [stats] = (await setup.client.admin().describeQueue('work')).partitions;
    expect(stats).toMatchObject({ lag: 0, inFlight: 0 });
  });

  it('an older member (shareFetch v0, acks by shareAcknowledge) still works', async () => {
    await produceNumbered(setup.client, 'jobs', 0, 4);
    const member = { queue: 'work', memberId: 'raw-v0' };
    const fetched = await setup.raw.request('shareFetch', { ...member, maxRecords: 4, maxWaitMs: 0 }, { version: 0 });
    expect(fetched.ackResults).toBeUndefined();
    const held = records(fetched);
    expect(held).toHaveLength(4);
    const acked = await setup.raw.request('shareAcknowledge', { ...member, acks: held.map((r) => accept(r)) });
    expect((acked.results as Frame[]).map((r) => r.errorCode ?? null)).toEqual([null, null, null, null]);
    expect((await setup.client.admin().describeQueue('work')).partitions[0]).toMatchObject({ lag: 0, inFlight: 0 });
  });
});
