import { afterEach, describe, expect, it } from 'vitest';
import { decodeConsumerAssignment, type JoinRequest } from '../src/index.js';
import { expectCode, flush, harness, track, type Harness } from './helpers.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

function kafkaJoin(extra: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'kg',
    protocolType: 'consumer',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    protocols: [
      { name: 'range', metadata: Buffer.from('range-meta') },
      { name: 'roundrobin', metadata: Buffer.from('rr-meta') },
    ],
    ...extra,
  };
}

/** A Kafka ConsumerProtocol Assignment v0: int16 version, [topic string, [int32 partition]], user data bytes. */
function consumerAssignment(topic: string, partitions: number[]): Buffer {
  const name = Buffer.from(topic);
  const buf = Buffer.alloc(2 + 4 + 2 + name.length + 4 + 4 * partitions.length + 4);
  let pos = buf.writeInt16BE(0, 0);
  pos = buf.writeInt32BE(1, pos);
  pos = buf.writeInt16BE(name.length, pos);
  pos += name.copy(buf, pos);
  pos = buf.writeInt32BE(partitions.length, pos);
  for (const p of partitions) pos = buf.writeInt32BE(p, pos);
  buf.writeInt32BE(-1, pos);
  return buf;
}

async function formGeneration(h: Harness) {
  const a = track(h.coordinator.join(kafkaJoin({ clientId: 'a' })));
  const b = track(h.coordinator.join(kafkaJoin({ clientId: 'b' })));
  h.clock.advance(3_000);
  return { a: await a.promise, b: await b.promise };
}

describe('Kafka-protocol groups (opaque assignments)', () => {
  it('the leader gets every member metadata, assigns in its sync, and each member receives its bytes', async () => {
    h = await harness({ t: 4 }, { initialRebalanceDelayMs: 3_000 });
    const { a, b } = await formGeneration(h);
    expect(a.generationId).toBe(1);
    expect(a.leaderId).toBe(a.memberId);
    expect(a.protocolName).toBe('range');
    expect(a.assignment).toBeNull();
    expect(a.members).toEqual([
      { memberId: a.memberId, metadata: Buffer.from('range-meta') },
      { memberId: b.memberId, metadata: Buffer.from('range-meta') },
    ]);
    expect(b.members).toEqual([]);
    expect((await h.coordinator.describeGroup('kg')).state).toBe('CompletingRebalance');

    const followerSync = track(h.coordinator.sync({ groupId: 'kg', memberId: b.memberId, generationId: 1 }));
    await flush();
    expect(followerSync.settled()).toBe(false);
    const forA = consumerAssignment('t', [0, 1]);
    const forB = consumerAssignment('t', [2, 3]);
    const leaderSync = await h.coordinator.sync({
      groupId: 'kg',
      memberId: a.memberId,
      generationId: 1,
      assignments: [
        { memberId: a.memberId, assignment: forA },
        { memberId: b.memberId, assignment: forB },
      ],
    });
    expect(leaderSync.assignment).toEqual({ type: 'opaque', data: forA });
    expect((await followerSync.promise).assignment).toEqual({ type: 'opaque', data: forB });

    const d = await h.coordinator.describeGroup('kg');
    expect(d.state).toBe('Stable');
    expect(d.protocolType).toBe('consumer');
    expect(d.members.map((m) => m.metadata)).toEqual([Buffer.from('range-meta'), Buffer.from('range-meta')]);
    expect(d.partitions.map((p) => [p.partition, p.memberId])).toEqual([
      [0, a.memberId],
      [1, a.memberId],
      [2, b.memberId],
      [3, b.memberId],
    ]);
  });

  it('heartbeats are accepted while the leader assigns; a new joiner then fails the waiting syncs', async () => {
    h = await harness({ t: 1 }, { initialRebalanceDelayMs: 3_000 });
    const { a, b } = await formGeneration(h);
    await h.coordinator.heartbeat({ groupId: 'kg', memberId: b.memberId, generationId: 1 });
    const followerSync = h.coordinator.sync({ groupId: 'kg', memberId: b.memberId, generationId: 1 });
    const c = h.coordinator.join(kafkaJoin());
    await expectCode(followerSync, 'REBALANCE_IN_PROGRESS');
    await expectCode(h.coordinator.sync({ groupId: 'kg', memberId: a.memberId, generationId: 1 }), 'REBALANCE_IN_PROGRESS');
    const rejoined = await Promise.all([
      h.coordinator.join(kafkaJoin({ memberId: a.memberId })),
      h.coordinator.join(kafkaJoin({ memberId: b.memberId })),
      c,
    ]);
    expect(rejoined.map((r) => r.generationId)).toEqual([2, 2, 2]);
    expect(rejoined[0].members).toHaveLength(3);
  });

  it('a member with no protocol in common, or of another protocol type, is refused', async () => {
    h = await harness({ t: 1 });
    await h.coordinator.join(kafkaJoin());
    await expectCode(
      h.coordinator.join(kafkaJoin({ protocols: [{ name: 'cooperative-sticky', metadata: Buffer.alloc(0) }] })),
      'INCONSISTENT_GROUP_PROTOCOL',
    );
    await expectCode(h.coordinator.join({ groupId: 'kg', subscription: { topics: ['t'] } }), 'INCONSISTENT_GROUP_PROTOCOL');
  });

  it('members the leader leaves out get an empty assignment', async () => {
    h = await harness({ t: 1 }, { initialRebalanceDelayMs: 3_000 });
    const { a, b } = await formGeneration(h);
    const follower = h.coordinator.sync({ groupId: 'kg', memberId: b.memberId, generationId: 1 });
    await h.coordinator.sync({ groupId: 'kg', memberId: a.memberId, generationId: 1, assignments: [] });
    expect((await follower).assignment).toEqual({ type: 'opaque', data: Buffer.alloc(0) });
  });
});

describe('decodeConsumerAssignment', () => {
  it('reads topic partitions and gives null for bytes that do not parse', () => {
    expect(decodeConsumerAssignment(consumerAssignment('orders', [3, 5]))).toEqual([
      { topic: 'orders', partition: 3 },
      { topic: 'orders', partition: 5 },
    ]);
    expect(decodeConsumerAssignment(Buffer.from([0, 0, 0, 0, 0, 1, 0, 9]))).toBeNull();
  });
});
