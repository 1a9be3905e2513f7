// shareFetch v2 and shareAcknowledge v1 spoken by hand on a raw connection: acks go as ranges per topic-partition,
// only the refused ones are answered (by index), and records come grouped per topic-partition and lock deadline
// as flat value lists with offsets and timestamps as differences. The in-order, per-ack semantics of v1 hold.
import { afterAll, describe, expect, it } from 'vitest';
import { API_VERSIONS, type ApiName, type VersionRange } from '@klog/protocol';
import { clientFor, removeTempDirs, startTestBroker, type Frame } from '../broker/fixture.js';
import { produceNumbered } from '../broker/group-fixture.js';
import { useRawQueueBroker } from './raw-queue-fixture.js';

afterAll(removeTempDirs);

const STRIDE = 6;

/** The offsets and delivery counts of a v2 answer's groups, differences summed. */
function delivered(answer: Frame): { offset: number; deliveryCount: number; lockUntil: number }[] {
  return (answer.records as Frame[]).flatMap((g) => {
    const values = g.records as unknown[];
    let offset = 0;
    const out = [];
    for (let i = 0; i < values.length; i += STRIDE) {
      offset += values[i] as number;
      out.push({ offset, deliveryCount: values[i + 4] as number, lockUntil: g.lockUntil as number });
    }
    return out;
  });
}

describe('compact queue wire (shareFetch v2, shareAcknowledge v1)', () => {
  const setup = useRawQueueBroker();

  it('groups records, takes acks as ranges in order, and answers only the refused ones by index', async () => {
    await produceNumbered(setup.client, 'jobs', 0, 8);
    const member = { queue: 'work', memberId: 'raw-2' };
    const first = await setup.raw.request('shareFetch', { ...member, maxRecords: 4, maxWaitMs: 0 }, { version: 2 });
    expect(first.ackResults).toEqual([]);
    expect(first.records).toHaveLength(1); // one fetch, one partition: one lock deadline for all
    const group = (first.records as Frame[])[0];
    expect(group).toMatchObject({ topic: 'jobs', partition: 0 });
    expect((group.records as unknown[]).filter((_, i) => i % STRIDE === 0)).toEqual([0, 1, 1, 1]); // offsets as differences
    expect(delivered(first).map((r) => r.offset)).toEqual([0, 1, 2, 3]);

    // 0-1 accepted as one range, 2 with a stale delivery count (LOCK_LOST), 6 never delivered (INVALID_ACK), 3 accepted.
    const second = await setup.raw.request('shareFetch', {
      ...member, maxRecords: 10, maxWaitMs: 5_000,
      acks: [{ topic: 'jobs', partition: 0, ranges: [[0, 1, 'accept', 1], [2, 2, 'accept', 7], [6, 6, 'accept', 1], [3, 3, 'accept', 1]] }],
    }, { version: 2 });
    expect((second.ackResults as Frame[]).map((f) => [f.index, f.offset, f.errorCode])).toEqual([[2, 2, 'LOCK_LOST'], [3, 6, 'INVALID_ACK']]);
    expect(delivered(second).map((r) => r.offset)).toEqual([4, 5, 6, 7]);

    // shareAcknowledge v1: the rest as one range; all succeed, so the answer lists nothing.
    const acked = await setup.raw.request('shareAcknowledge', { ...member, acks: [{ topic: 'jobs', partition: 0, ranges: [[2, 2, 'accept', 1], [4, 7, 'accept', 1]] }] }, { version: 1 });
    expect(acked.results).toEqual([]);
    const [stats] = (await setup.client.admin().describeQueue('work')).partitions;
    expect(stats).toMatchObject({ lag: 0, inFlight: 0 });
  });

  it('refuses ranges that stand for too many acks with INVALID_REQUEST, before applying any', async () => {
    await produceNumbered(setup.client, 'jobs', 0, 1);
    const member = { queue: 'work', memberId: 'raw-3' };
    const fetched = await setup.raw.request('shareFetch', { ...member, maxRecords: 1, maxWaitMs: 0 }, { version: 2 });
    expect(delivered(fetched)).toHaveLength(1);
    const res = await setup.raw.request('shareAcknowledge', { ...member, acks: [{ topic: 'jobs', partition: 0, ranges: [[0, 0, 'accept', 1], [1, 1e12, 'accept']] }] }, { version: 1 });
    expect(res.errorCode).toBe('INVALID_REQUEST');
    const [stats] = (await setup.client.admin().describeQueue('work')).partitions;
    expect(stats).toMatchObject({ inFlight: 1 });
  });
});

/** A broker that speaks the queue APIs only up to these versions, as an older one does. */
function olderQueueVersions(shareFetch: number, shareAcknowledge: number): { [A in ApiName]?: VersionRange } {
  return { ...API_VERSIONS, shareFetch: { min: 0, max: shareFetch }, shareAcknowledge: { min: 0, max: shareAcknowledge } };
}

describe('the client against a broker of older queue versions', () => {
  it.each([{ shareFetch: 1, shareAcknowledge: 0 }, { shareFetch: 0, shareAcknowledge: 0 }])(
    'shareFetch v$shareFetch, shareAcknowledge v$shareAcknowledge: records, headers, releases and accepts as with the compact versions',
    async (versions) => {
      const broker = await startTestBroker({ apiVersions: olderQueueVersions(versions.shareFetch, versions.shareAcknowledge) });
      const client = clientFor(broker);
      try {
        await client.admin().createTopic('jobs');
        const producer = client.producer();
        await producer.send({ topic: 'jobs', messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: String(i), headers: i === 7 ? [{ key: 'h', value: Buffer.from('x') }] : [] })) });
        await producer.close();
        const q = client.queue({ name: 'old', topics: ['jobs'], start: 'earliest', backoff: { baseMs: 10, maxMs: 10 } });
        const seen: string[] = [];
        let headers: Record<string, Buffer | null> = {};
        const run = q.run({
          concurrency: 4,
          eachMessage: async ({ message, deliveryCount }) => {
            if (message.offset === 7) headers = message.headers;
            if (message.offset === 3 && deliveryCount === 1) throw new Error('once more'); // released, then delivered again
            seen.push(`${String(message.value)}@${deliveryCount}`);
          },
        });
        await waitFor(() => seen.length === 30);
        await q.close();
        await run;
        expect(seen).toContain('3@2');
        expect(new Set(seen.map((s) => s.split('@')[0])).size).toBe(30);
        expect(headers).toEqual({ h: Buffer.from('x') });
        const [stats] = (await client.admin().describeQueue('old')).partitions;
        expect(stats).toMatchObject({ lag: 0, inFlight: 0 });
      } finally {
        await client.close();
        await broker.close();
      }
    },
  );
});

async function waitFor(done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
