import { afterEach, describe, expect, it } from 'vitest';
import { MemberIdRequiredError, type JoinRequest } from '../src/index.js';
import { expectCode, flush, harness, track, type Harness } from './helpers.js';

// Kafka-protocol membership features the Kafka listener needs: MEMBER_ID_REQUIRED (JoinGroup v4+), static
// membership (group.instance.id, v5+), leave by instance id (LeaveGroup v3+) and OffsetDelete.

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** A ConsumerProtocol Subscription v0: int16 version, [topic string], user data bytes (null). */
function subscription(...topics: string[]): Buffer {
  const parts = [Buffer.from([0, 0]), int32(topics.length)];
  for (const t of topics) parts.push(Buffer.from([0, Buffer.byteLength(t)]), Buffer.from(t));
  parts.push(int32(-1));
  return Buffer.concat(parts);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function kafkaJoin(extra: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'kg',
    protocolType: 'consumer',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    protocols: [{ name: 'range', metadata: subscription('t') }],
    ...extra,
  };
}

async function memberIdRequired(req: JoinRequest): Promise<string> {
  const err = await h.coordinator.join(req).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(MemberIdRequiredError);
  return (err as MemberIdRequiredError).memberId;
}

describe('MEMBER_ID_REQUIRED', () => {
  it('a first join without a member id gets an id and the error; the join with that id is accepted', async () => {
    h = await harness({ t: 2 });
    const memberId = await memberIdRequired(kafkaJoin({ clientId: 'c1', requireKnownMemberId: true }));
    expect(memberId).toMatch(/^c1-/);
    expect((await h.coordinator.describeGroup('kg').catch(() => null))?.members ?? []).toEqual([]);
    const joined = await h.coordinator.join(kafkaJoin({ clientId: 'c1', memberId, requireKnownMemberId: true }));
    expect(joined.memberId).toBe(memberId);
    expect(joined.leaderId).toBe(memberId);
  });

  it('the handed-out id expires after one session timeout', async () => {
    h = await harness({ t: 2 });
    const memberId = await memberIdRequired(kafkaJoin({ requireKnownMemberId: true }));
    h.clock.advance(10_001);
    await expectCode(h.coordinator.join(kafkaJoin({ memberId, requireKnownMemberId: true })), 'UNKNOWN_MEMBER_ID');
  });

  it('static members are not asked for a member id', async () => {
    h = await harness({ t: 2 });
    const joined = await h.coordinator.join(kafkaJoin({ groupInstanceId: 'i1', requireKnownMemberId: true }));
    expect(joined.memberId).toMatch(/^i1-/);
  });
});

describe('static membership', () => {
  async function stableGroup() {
    const a = track(h.coordinator.join(kafkaJoin({ clientId: 'a', groupInstanceId: 'ia' })));
    const b = track(h.coordinator.join(kafkaJoin({ clientId: 'b', groupInstanceId: 'ib' })));
    h.clock.advance(3_000);
    const [ja, jb] = [await a.promise, await b.promise];
    const assignments = [{ memberId: ja.memberId, assignment: Buffer.from('A') }, { memberId: jb.memberId, assignment: Buffer.from('B') }];
    const syncB = h.coordinator.sync({ groupId: 'kg', memberId: jb.memberId, generationId: 1 });
    await h.coordinator.sync({ groupId: 'kg', memberId: ja.memberId, generationId: 1, assignments });
    await syncB;
    return { ja, jb };
  }

  it('a rejoin with the same instance id replaces the old member in a Stable group, without a rebalance', async () => {
    h = await harness({ t: 2 }, { initialRebalanceDelayMs: 3_000 });
    const { ja, jb } = await stableGroup();
    const again = await h.coordinator.join(kafkaJoin({ clientId: 'b2', groupInstanceId: 'ib' }));
    expect(again.memberId).not.toBe(jb.memberId);
    expect(again.generationId).toBe(1);
    expect(again.skipAssignment).toBe(false);
    const described = await h.coordinator.describeGroup('kg');
    expect(described.state).toBe('Stable');
    expect(described.members.map((m) => [m.memberId, m.groupInstanceId])).toEqual([[ja.memberId, 'ia'], [again.memberId, 'ib']]);
    // The new member keeps the instance's assignment; the other member is not disturbed.
    const sync = await h.coordinator.sync({ groupId: 'kg', memberId: again.memberId, generationId: 1, groupInstanceId: 'ib' });
    expect(sync.assignment).toEqual({ type: 'opaque', data: Buffer.from('B') });
    await h.coordinator.heartbeat({ groupId: 'kg', memberId: ja.memberId, generationId: 1 });
    // The old member id is fenced wherever it shows up with its instance id.
    await expectCode(h.coordinator.heartbeat({ groupId: 'kg', memberId: jb.memberId, generationId: 1, groupInstanceId: 'ib' }), 'FENCED_INSTANCE_ID');
    await expectCode(h.coordinator.join(kafkaJoin({ memberId: jb.memberId, groupInstanceId: 'ib' })), 'FENCED_INSTANCE_ID');
    await expectCode(h.coordinator.commit('kg', jb.memberId, 1, [{ topic: 't', partition: 0, offset: 1 }], 'ib'), 'FENCED_INSTANCE_ID');
    await expectCode(h.coordinator.leave({ groupId: 'kg', memberId: jb.memberId, groupInstanceId: 'ib' }), 'FENCED_INSTANCE_ID');
  });

  it('the leader replaced in a Stable group stays leader and is told it may skip the assignment', async () => {
    h = await harness({ t: 2 }, { initialRebalanceDelayMs: 3_000 });
    await stableGroup();
    const again = await h.coordinator.join(kafkaJoin({ groupInstanceId: 'ia' }));
    expect(again.leaderId).toBe(again.memberId);
    expect(again.skipAssignment).toBe(true);
    expect((await h.coordinator.describeGroup('kg')).generationId).toBe(1);
  });

  it('a static member rejoining with another subscription takes its place and rebalances the group', async () => {
    h = await harness({ t: 2, u: 1 }, { initialRebalanceDelayMs: 3_000 });
    const { ja, jb } = await stableGroup();
    const again = track(h.coordinator.join(kafkaJoin({ groupInstanceId: 'ib', protocols: [{ name: 'range', metadata: subscription('t', 'u') }] })));
    await flush();
    expect(again.settled()).toBe(false);
    expect((await h.coordinator.describeGroup('kg')).state).toBe('PreparingRebalance');
    await expectCode(h.coordinator.heartbeat({ groupId: 'kg', memberId: ja.memberId, generationId: 1 }), 'REBALANCE_IN_PROGRESS');
    const rejoinA = h.coordinator.join(kafkaJoin({ memberId: ja.memberId, groupInstanceId: 'ia' }));
    const [a2, b2] = [await rejoinA, await again.promise];
    expect([a2.generationId, b2.generationId]).toEqual([2, 2]);
    expect(b2.memberId).not.toBe(jb.memberId);
  });

  it('a replaced member waiting in a join is answered FENCED_INSTANCE_ID', async () => {
    h = await harness({ t: 2 }, { initialRebalanceDelayMs: 3_000 });
    const first = track(h.coordinator.join(kafkaJoin({ groupInstanceId: 'ia' })));
    await flush();
    const second = track(h.coordinator.join(kafkaJoin({ groupInstanceId: 'ia' })));
    await expectCode(first.promise, 'FENCED_INSTANCE_ID');
    h.clock.advance(3_000);
    const joined = await second.promise;
    expect((await h.coordinator.describeGroup('kg')).members.map((m) => m.memberId)).toEqual([joined.memberId]);
  });

  it('LeaveGroup by instance id alone removes the instance current member', async () => {
    h = await harness({ t: 2 }, { initialRebalanceDelayMs: 3_000 });
    const { ja } = await stableGroup();
    await h.coordinator.leave({ groupId: 'kg', memberId: '', groupInstanceId: 'ib' });
    const described = await h.coordinator.describeGroup('kg');
    expect(described.members.map((m) => m.memberId)).toEqual([ja.memberId]);
    expect(described.state).toBe('PreparingRebalance');
    await expectCode(h.coordinator.leave({ groupId: 'kg', memberId: '', groupInstanceId: 'ib' }), 'UNKNOWN_MEMBER_ID');
  });
});

describe('sync naming the protocol (SyncGroup v5)', () => {
  it('a sync naming another protocol type or name is refused; the group\'s own are accepted', async () => {
    h = await harness({ t: 2 });
    const j = await h.coordinator.join(kafkaJoin());
    const ref = { groupId: 'kg', memberId: j.memberId, generationId: j.generationId };
    await expectCode(h.coordinator.sync({ ...ref, protocolType: 'connect' }), 'INCONSISTENT_GROUP_PROTOCOL');
    await expectCode(h.coordinator.sync({ ...ref, protocolName: 'roundrobin' }), 'INCONSISTENT_GROUP_PROTOCOL');
    const synced = await h.coordinator.sync({ ...ref, protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId: j.memberId, assignment: Buffer.from('x') }] });
    expect(synced).toMatchObject({ protocolType: 'consumer', protocolName: 'range' });
  });
});

describe('deleteOffsets', () => {
  it('deletes the offsets of topics nobody consumes, refuses subscribed ones, and needs the group', async () => {
    h = await harness({ t: 2, u: 1 });
    await h.coordinator.commit('kg', '', -1, [{ topic: 't', partition: 0, offset: 5 }, { topic: 'u', partition: 0, offset: 7 }]);
    await h.coordinator.join(kafkaJoin());
    const outcome = await h.coordinator.deleteOffsets('kg', [{ topic: 't', partition: 0 }, { topic: 'u', partition: 0 }, { topic: 'u', partition: 9 }]);
    expect(outcome.map((o) => o.error?.code ?? null)).toEqual(['GROUP_SUBSCRIBED_TO_TOPIC', null, 'UNKNOWN_PARTITION']);
    expect(await h.coordinator.fetchOffsets('kg')).toEqual([{ topic: 't', partition: 0, offset: 5, metadata: '' }]);
    await expectCode(h.coordinator.deleteOffsets('nobody', [{ topic: 't', partition: 0 }]), 'GROUP_ID_NOT_FOUND');
  });

  it('refuses a group with members of a protocol klog cannot read', async () => {
    h = await harness({ t: 2 });
    await h.coordinator.join(kafkaJoin({ protocolType: 'connect', protocols: [{ name: 'x', metadata: Buffer.from('?') }] }));
    await expectCode(h.coordinator.deleteOffsets('kg', [{ topic: 't', partition: 0 }]), 'NON_EMPTY_GROUP');
  });
});
