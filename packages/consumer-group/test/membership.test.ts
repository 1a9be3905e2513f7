import { afterEach, describe, expect, it } from 'vitest';
import { expectCode, flush, harness, nativeJoin, track, type Harness } from './helpers.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const partitionsOf = (r: { assignment: unknown }) =>
  (r.assignment as { type: 'partitions'; partitions: { topic: string; partition: number }[] }).partitions.map(
    (tp) => `${tp.topic}-${tp.partition}`,
  );

describe('forming generations', () => {
  it('a lone member forms generation 1 at once, leads it and gets every partition', async () => {
    h = await harness({ t: 3 });
    const r = await h.coordinator.join(nativeJoin('g', { clientId: 'app' }));
    expect(r.memberId).toMatch(/^app-/);
    expect(r.generationId).toBe(1);
    expect(r.leaderId).toBe(r.memberId);
    expect(r.protocolName).toBe('range');
    expect(partitionsOf(r)).toEqual(['t-0', 't-1', 't-2']);
    expect((await h.coordinator.describeGroup('g')).state).toBe('Stable');
    const sync = await h.coordinator.sync({ groupId: 'g', memberId: r.memberId, generationId: 1 });
    expect(sync.assignment).toEqual(r.assignment);
  });

  it('a late joiner starts a rebalance; the old member learns it from its heartbeat and rejoins', async () => {
    h = await harness({ t: 4 });
    const a = await h.coordinator.join(nativeJoin('g'));
    const b = track(h.coordinator.join(nativeJoin('g')));
    await flush();
    expect(b.settled()).toBe(false);
    expect((await h.coordinator.describeGroup('g')).state).toBe('PreparingRebalance');
    await expectCode(h.coordinator.heartbeat({ groupId: 'g', memberId: a.memberId, generationId: 1 }), 'REBALANCE_IN_PROGRESS');
    const a2 = await h.coordinator.join(nativeJoin('g', { memberId: a.memberId }));
    const b2 = await b.promise;
    expect(a2.generationId).toBe(2);
    expect(b2.generationId).toBe(2);
    expect(a2.leaderId).toBe(a.memberId);
    expect([...partitionsOf(a2), ...partitionsOf(b2)].sort()).toEqual(['t-0', 't-1', 't-2', 't-3']);
    expect(partitionsOf(a2)).toHaveLength(2);
    await h.coordinator.heartbeat({ groupId: 'g', memberId: a.memberId, generationId: 2 });
  });

  it('members that do not rejoin within the rebalance timeout are dropped', async () => {
    h = await harness({ t: 2 });
    const a = await h.coordinator.join(nativeJoin('g'));
    const b = track(h.coordinator.join(nativeJoin('g')));
    // a keeps its session alive but never rejoins
    for (let i = 0; i < 5; i++) {
      h.clock.advance(5_000);
      await expectCode(h.coordinator.heartbeat({ groupId: 'g', memberId: a.memberId, generationId: 1 }), 'REBALANCE_IN_PROGRESS');
    }
    await flush();
    expect(b.settled()).toBe(false);
    h.clock.advance(5_000); // 30 s rebalance timeout reached
    const b2 = await b.promise;
    expect(b2.generationId).toBe(2);
    expect(b2.leaderId).toBe(b2.memberId);
    expect(partitionsOf(b2)).toEqual(['t-0', 't-1']);
    await expectCode(h.coordinator.heartbeat({ groupId: 'g', memberId: a.memberId, generationId: 1 }), 'UNKNOWN_MEMBER_ID');
  });

  it('the initial rebalance delay lets members starting together share the first generation', async () => {
    h = await harness({ t: 2 }, { initialRebalanceDelayMs: 3_000 });
    const a = track(h.coordinator.join(nativeJoin('g')));
    const b = track(h.coordinator.join(nativeJoin('g')));
    h.clock.advance(2_999);
    await flush();
    expect(a.settled() || b.settled()).toBe(false);
    h.clock.advance(1);
    const [ra, rb] = await Promise.all([a.promise, b.promise]);
    expect(ra.generationId).toBe(1);
    expect(rb.generationId).toBe(1);
    expect(partitionsOf(ra)).toHaveLength(1);
    expect(partitionsOf(rb)).toHaveLength(1);
  });

  it('chooses the first assignor every member supports, in the first member preference order', async () => {
    h = await harness({ t: 2 });
    const a = await h.coordinator.join(nativeJoin('g', { assignors: ['future-assignor', 'sticky', 'range'] }));
    expect(a.protocolName).toBe('sticky');
    const b = h.coordinator.join(nativeJoin('g', { assignors: ['range', 'sticky'] }));
    const a2 = await h.coordinator.join(nativeJoin('g', { memberId: a.memberId, assignors: ['sticky', 'range'] }));
    expect(a2.protocolName).toBe('sticky');
    expect((await b).protocolName).toBe('sticky');
    await expectCode(h.coordinator.join(nativeJoin('g', { assignors: ['roundrobin'] })), 'INCONSISTENT_GROUP_PROTOCOL');
  });
});

describe('leaving the group', () => {
  async function stablePair(h: Harness) {
    const a = await h.coordinator.join(nativeJoin('g'));
    const b = h.coordinator.join(nativeJoin('g'));
    await h.coordinator.join(nativeJoin('g', { memberId: a.memberId }));
    return { a: a.memberId, b: (await b).memberId };
  }

  it('a member that misses its session timeout is removed and the others rebalance', async () => {
    h = await harness({ t: 2 });
    const { a, b } = await stablePair(h);
    h.clock.advance(6_000);
    await h.coordinator.heartbeat({ groupId: 'g', memberId: a, generationId: 2 });
    h.clock.advance(4_000); // b's 10 s session expires; a heartbeated 4 s ago
    await expectCode(h.coordinator.heartbeat({ groupId: 'g', memberId: a, generationId: 2 }), 'REBALANCE_IN_PROGRESS');
    await expectCode(h.coordinator.heartbeat({ groupId: 'g', memberId: b, generationId: 2 }), 'UNKNOWN_MEMBER_ID');
    const r = await h.coordinator.join(nativeJoin('g', { memberId: a }));
    expect(r.generationId).toBe(3);
    expect(partitionsOf(r)).toEqual(['t-0', 't-1']);
  });

  it('a leave starts a rebalance; the last leave makes the group Empty', async () => {
    h = await harness({ t: 2 });
    const { a, b } = await stablePair(h);
    await h.coordinator.leave({ groupId: 'g', memberId: b });
    expect((await h.coordinator.describeGroup('g')).state).toBe('PreparingRebalance');
    const r = await h.coordinator.join(nativeJoin('g', { memberId: a }));
    expect(r.generationId).toBe(3);
    await h.coordinator.leave({ groupId: 'g', memberId: a });
    const d = await h.coordinator.describeGroup('g');
    expect(d.state).toBe('Empty');
    expect(d.members).toEqual([]);
    expect(h.coordinator.listGroups()).toEqual([{ groupId: 'g', state: 'Empty', protocolType: 'klog', members: 0 }]);
    await expectCode(h.coordinator.leave({ groupId: 'g', memberId: a }), 'UNKNOWN_MEMBER_ID');
  });

  it('a member leaving while others wait in a join lets the generation form without it', async () => {
    h = await harness({ t: 2 });
    const { a, b } = await stablePair(h);
    const rejoin = h.coordinator.join(nativeJoin('g', { memberId: a }));
    await h.coordinator.leave({ groupId: 'g', memberId: b });
    const r = await rejoin;
    expect(r.generationId).toBe(3);
    expect(partitionsOf(r)).toEqual(['t-0', 't-1']);
  });
});

describe('typed errors', () => {
  it('stale generations and unknown members are refused', async () => {
    h = await harness({ t: 2 });
    const a = await h.coordinator.join(nativeJoin('g'));
    await expectCode(h.coordinator.heartbeat({ groupId: 'g', memberId: a.memberId, generationId: 0 }), 'ILLEGAL_GENERATION');
    await expectCode(h.coordinator.sync({ groupId: 'g', memberId: a.memberId, generationId: 7 }), 'ILLEGAL_GENERATION');
    await expectCode(h.coordinator.heartbeat({ groupId: 'g', memberId: 'nobody', generationId: 1 }), 'UNKNOWN_MEMBER_ID');
    await expectCode(h.coordinator.heartbeat({ groupId: 'other', memberId: 'nobody', generationId: 1 }), 'UNKNOWN_MEMBER_ID');
    await expectCode(h.coordinator.join(nativeJoin('g', { memberId: 'nobody' })), 'UNKNOWN_MEMBER_ID');
  });

  it('bad requests get codes, not plain errors', async () => {
    h = await harness({ t: 2 });
    await expectCode(h.coordinator.join(nativeJoin('')), 'INVALID_GROUP_ID');
    await expectCode(h.coordinator.join(nativeJoin('g', { sessionTimeoutMs: 10 })), 'INVALID_SESSION_TIMEOUT');
    await expectCode(h.coordinator.join(nativeJoin('g', { subscription: { pattern: '(' } })), 'INVALID_SUBSCRIPTION');
    await expectCode(h.coordinator.join(nativeJoin('g', { subscription: undefined })), 'INVALID_SUBSCRIPTION');
    await expectCode(h.coordinator.join(nativeJoin('g', { assignors: ['nope'] })), 'INCONSISTENT_GROUP_PROTOCOL');
    await expectCode(h.coordinator.join({ groupId: 'k', protocolType: 'consumer', protocols: [] }), 'INCONSISTENT_GROUP_PROTOCOL');
    await expectCode(h.coordinator.describeGroup('missing'), 'GROUP_ID_NOT_FOUND');
  });

  it('close answers waiting joins and leaves no timer behind', async () => {
    h = await harness({ t: 2 });
    await h.coordinator.join(nativeJoin('g'));
    const waiting = h.coordinator.join(nativeJoin('g'));
    expect(h.clock.pendingTimers()).toBeGreaterThan(0);
    await h.coordinator.close();
    await expectCode(waiting, 'COORDINATOR_NOT_AVAILABLE');
    expect(h.clock.pendingTimers()).toBe(0);
    await expectCode(h.coordinator.join(nativeJoin('g')), 'COORDINATOR_NOT_AVAILABLE');
  });
});

describe('subscriptions and topic changes', () => {
  it('a pattern matches whole names, never internal topics, and a new matching topic triggers a rebalance', async () => {
    h = await harness({ 'news.a': 2, newsletter: 1, 'breaking-news.x': 1, other: 1 });
    const r = await h.coordinator.join(nativeJoin('g', { subscription: { pattern: 'news\\..*' } }));
    expect(partitionsOf(r)).toEqual(['news.a-0', 'news.a-1']);

    await h.store.createTopic('unrelated', { partitions: 1 });
    h.coordinator.onTopicsChanged();
    expect((await h.coordinator.describeGroup('g')).state).toBe('Stable');

    await h.store.createTopic('news.b', { partitions: 1 });
    h.coordinator.onTopicsChanged();
    await expectCode(h.coordinator.heartbeat({ groupId: 'g', memberId: r.memberId, generationId: 1 }), 'REBALANCE_IN_PROGRESS');
    const r2 = await h.coordinator.join(nativeJoin('g', { memberId: r.memberId, subscription: { pattern: 'news\\..*' } }));
    expect(partitionsOf(r2)).toEqual(['news.a-0', 'news.a-1', 'news.b-0']);
  });

  it('a match-everything pattern leaves out internal topics such as __consumer_offsets', async () => {
    h = await harness({ t: 1 });
    const r = await h.coordinator.join(nativeJoin('g', { subscription: { pattern: '.*' } }));
    expect(partitionsOf(r)).toEqual(['t-0']);
  });

  it('a deleted subscribed topic triggers a rebalance', async () => {
    h = await harness({ t: 1, u: 1 });
    const r = await h.coordinator.join(nativeJoin('g', { subscription: { topics: ['t', 'u'] } }));
    expect(partitionsOf(r)).toEqual(['t-0', 'u-0']);
    await h.store.deleteTopic('u');
    h.coordinator.onTopicsChanged();
    expect((await h.coordinator.describeGroup('g')).state).toBe('PreparingRebalance');
    const r2 = await h.coordinator.join(nativeJoin('g', { memberId: r.memberId, subscription: { topics: ['t', 'u'] } }));
    expect(partitionsOf(r2)).toEqual(['t-0']);
  });
});
