import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupCoordinator, ManualClock, OFFSETS_TOPIC } from '../src/index.js';
import { expectCode, harness, nativeJoin, openStore, type Harness } from './helpers.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const records = (n: number) => Array.from({ length: n }, (_, i) => ({ value: Buffer.from(`r${i}`) }));

describe('commit and fetch', () => {
  it('a member commits offsets of its own partitions; fetch answers -1 for partitions never committed', async () => {
    h = await harness({ t: 2 });
    const m = await h.coordinator.join(nativeJoin('g'));
    await h.coordinator.commit('g', m.memberId, 1, [
      { topic: 't', partition: 0, offset: 5, metadata: 'm5' },
      { topic: 't', partition: 1, offset: 7 },
    ]);
    await h.coordinator.commit('g', m.memberId, 1, [{ topic: 't', partition: 0, offset: 6 }]);
    expect(await h.coordinator.fetchOffsets('g')).toEqual([
      { topic: 't', partition: 0, offset: 6, metadata: '' },
      { topic: 't', partition: 1, offset: 7, metadata: '' },
    ]);
    expect(await h.coordinator.fetchOffsets('g', [{ topic: 't', partition: 1 }, { topic: 'x', partition: 0 }])).toEqual([
      { topic: 't', partition: 1, offset: 7, metadata: '' },
      { topic: 'x', partition: 0, offset: -1, metadata: '' },
    ]);
    expect(await h.coordinator.fetchOffsets('nobody')).toEqual([]);
  });

  it('refuses commits for partitions the member does not own, from stale generations and unknown members', async () => {
    h = await harness({ t: 2 });
    const a = await h.coordinator.join(nativeJoin('g'));
    const b = h.coordinator.join(nativeJoin('g'));
    const a2 = await h.coordinator.join(nativeJoin('g', { memberId: a.memberId }));
    const b2 = await b;
    const [ownA] = (a2.assignment as { type: 'partitions'; partitions: { topic: string; partition: number }[] }).partitions;
    const ownB = { topic: 't', partition: 1 - ownA.partition };
    await h.coordinator.commit('g', b2.memberId, 2, [{ ...ownB, offset: 1 }]);
    await expectCode(h.coordinator.commit('g', a2.memberId, 2, [{ ...ownB, offset: 1 }]), 'PARTITION_NOT_ASSIGNED');
    await expectCode(h.coordinator.commit('g', a2.memberId, 1, [{ ...ownA, offset: 1 }]), 'ILLEGAL_GENERATION');
    await expectCode(h.coordinator.commit('g', 'ghost', 2, [{ ...ownA, offset: 1 }]), 'UNKNOWN_MEMBER_ID');
    await expectCode(h.coordinator.commit('g', '', -1, [{ ...ownA, offset: 1 }]), 'UNKNOWN_MEMBER_ID');
    await expectCode(h.coordinator.commit('g', a2.memberId, 2, [{ ...ownA, offset: -3 }]), 'INVALID_COMMIT_OFFSET');
    await expectCode(h.coordinator.commit('g', a2.memberId, 2, [{ topic: 'nope', partition: 0, offset: 1 }]), 'UNKNOWN_TOPIC');
    await expectCode(h.coordinator.commit('g', a2.memberId, 2, [{ topic: 't', partition: 9, offset: 1 }]), 'UNKNOWN_PARTITION');
    expect(await h.coordinator.fetchOffsets('g')).toEqual([{ ...ownB, offset: 1, metadata: '' }]);
  });

  it('members of the current generation may still commit while a rebalance is being prepared', async () => {
    h = await harness({ t: 1 });
    const a = await h.coordinator.join(nativeJoin('g'));
    const pending = h.coordinator.join(nativeJoin('g'));
    await h.coordinator.commit('g', a.memberId, 1, [{ topic: 't', partition: 0, offset: 3 }]);
    expect(await h.coordinator.fetchOffsets('g')).toEqual([{ topic: 't', partition: 0, offset: 3, metadata: '' }]);
    await h.coordinator.leave({ groupId: 'g', memberId: a.memberId });
    await pending;
  });

  it('a group without members takes commits with generation -1 (simple consumers, admin tools)', async () => {
    h = await harness({ t: 1 });
    await h.coordinator.commit('standalone', '', -1, [{ topic: 't', partition: 0, offset: 4 }]);
    expect(h.coordinator.listGroups()).toEqual([{ groupId: 'standalone', state: 'Empty', protocolType: '', members: 0 }]);
    expect((await h.coordinator.fetchOffsets('standalone'))[0].offset).toBe(4);
  });
});

describe('topic deletion', () => {
  it("deleting a topic's offsets forgets them in every group, durably, and keeps other topics' offsets", async () => {
    const { store, dir } = await openStore(undefined, { t: 2, u: 1 });
    const first = await GroupCoordinator.open(store, { clock: new ManualClock() });
    await first.commit('g1', '', -1, [{ topic: 't', partition: 0, offset: 5 }, { topic: 'u', partition: 0, offset: 4 }]);
    await first.commit('g2', '', -1, [{ topic: 't', partition: 1, offset: 7 }]);
    await first.deleteTopicOffsets('t');
    expect(await first.fetchOffsets('g1')).toEqual([{ topic: 'u', partition: 0, offset: 4, metadata: '' }]);
    expect(await first.fetchOffsets('g2', [{ topic: 't', partition: 1 }])).toEqual([{ topic: 't', partition: 1, offset: -1, metadata: '' }]);
    await first.close();
    await store.close();

    const reopened = await openStore(dir);
    const second = await GroupCoordinator.open(reopened.store, { clock: new ManualClock() });
    try {
      expect(await second.fetchOffsets('g1')).toEqual([{ topic: 'u', partition: 0, offset: 4, metadata: '' }]);
      expect(await second.fetchOffsets('g2')).toEqual([]);
    } finally {
      await second.close();
      await reopened.store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('durability', () => {
  it('committed offsets and deletions survive closing and reopening the store', async () => {
    const { store, dir } = await openStore(undefined, { t: 3 });
    const first = await GroupCoordinator.open(store, { clock: new ManualClock() });
    await first.commit('g1', '', -1, [
      { topic: 't', partition: 0, offset: 10, metadata: 'ten' },
      { topic: 't', partition: 2, offset: 30 },
    ]);
    await first.commit('g1', '', -1, [{ topic: 't', partition: 0, offset: 11 }]);
    await first.commit('g2', '', -1, [{ topic: 't', partition: 1, offset: 1 }]);
    await first.commit('g3', '', -1, [{ topic: 't', partition: 1, offset: 3 }]);
    await first.deleteGroup('g3');
    await first.close();
    await store.close();

    const reopened = await openStore(dir);
    const second = await GroupCoordinator.open(reopened.store, { clock: new ManualClock() });
    try {
      expect(await second.fetchOffsets('g1')).toEqual([
        { topic: 't', partition: 0, offset: 11, metadata: '' },
        { topic: 't', partition: 2, offset: 30, metadata: '' },
      ]);
      expect(await second.fetchOffsets('g2')).toEqual([{ topic: 't', partition: 1, offset: 1, metadata: '' }]);
      expect(second.listGroups().map((g) => g.groupId)).toEqual(['g1', 'g2']);
    } finally {
      await second.close();
      await reopened.store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('snapshot compaction bounds __consumer_offsets and keeps every live offset', async () => {
    const snapshotBytes = 16 * 1024;
    const { store, dir } = await openStore(undefined, { t: 8 });
    const coordinator = await GroupCoordinator.open(store, { clock: new ManualClock(), offsetsSnapshotBytes: snapshotBytes });
    const expected = new Map<string, number>();
    let peak = 0;
    for (let i = 0; i < 1500; i++) {
      const group = `g${i % 5}`;
      const partition = i % 8;
      await coordinator.commit(group, '', -1, [{ topic: 't', partition, offset: i }]);
      expected.set(`${group}/${partition}`, i);
      peak = Math.max(peak, store.describeTopic(OFFSETS_TOPIC).partitions[0].sizeBytes);
    }
    const info = store.describeTopic(OFFSETS_TOPIC).partitions[0];
    expect(info.logStartOffset).toBeGreaterThan(0); // compaction happened
    // threshold + one segment (a quarter of it) + the snapshot itself, with room for batch overhead
    expect(peak).toBeLessThan(2 * snapshotBytes);
    await coordinator.close();
    await store.close();

    const reopened = await openStore(dir);
    const again = await GroupCoordinator.open(reopened.store, { clock: new ManualClock(), offsetsSnapshotBytes: snapshotBytes });
    try {
      const actual = new Map<string, number>();
      for (const g of again.listGroups()) {
        for (const o of await again.fetchOffsets(g.groupId)) actual.set(`${g.groupId}/${o.partition}`, o.offset);
      }
      expect(actual).toEqual(expected);
    } finally {
      await again.close();
      await reopened.store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('reset, describe, delete', () => {
  it('resets to earliest, latest, an offset (clamped) or a timestamp, only while the group is empty', async () => {
    h = await harness({ t: 2 });
    await h.store.append('t', records(10).map((r, i) => ({ ...r, timestamp: 1000 + i })), { partition: 0 });
    await h.store.deleteRecordsBefore('t', 0, 0);
    const at = async () => (await h.coordinator.fetchOffsets('g', [{ topic: 't', partition: 0 }]))[0].offset;

    await h.coordinator.resetOffsets('g', 't', 'latest');
    expect(await h.coordinator.fetchOffsets('g')).toEqual([
      { topic: 't', partition: 0, offset: 10, metadata: '' },
      { topic: 't', partition: 1, offset: 0, metadata: '' },
    ]);
    await h.coordinator.resetOffsets('g', 't', 'earliest', [0]);
    expect(await at()).toBe(0);
    await h.coordinator.resetOffsets('g', 't', { offset: 99 }, [0]);
    expect(await at()).toBe(10);
    await h.coordinator.resetOffsets('g', 't', { timestamp: 1004 }, [0]);
    expect(await at()).toBe(4);
    await h.coordinator.resetOffsets('g', 't', { timestamp: 99_999 }, [0]);
    expect(await at()).toBe(10);
    await expectCode(h.coordinator.resetOffsets('g', 't', 'earliest', [5]), 'UNKNOWN_PARTITION');
    await expectCode(h.coordinator.resetOffsets('g', 'missing', 'earliest'), 'UNKNOWN_TOPIC');

    await h.coordinator.join(nativeJoin('g'));
    await expectCode(h.coordinator.resetOffsets('g', 't', 'earliest'), 'NON_EMPTY_GROUP');
  });

  it('describe shows members, committed offsets, log end and lag per partition', async () => {
    h = await harness({ t: 2, u: 1 });
    await h.store.append('t', records(10), { partition: 0 });
    await h.store.append('t', records(3), { partition: 1 });
    await h.store.append('u', records(2), { partition: 0 });
    await h.coordinator.commit('g', '', -1, [{ topic: 'u', partition: 0, offset: 2 }]);
    const m = await h.coordinator.join(nativeJoin('g', { clientId: 'c1', clientHost: '10.0.0.1' }));
    await h.coordinator.commit('g', m.memberId, 1, [{ topic: 't', partition: 0, offset: 4 }]);

    const d = await h.coordinator.describeGroup('g');
    expect(d).toMatchObject({ groupId: 'g', state: 'Stable', generationId: 1, protocolType: 'klog', protocolName: 'range', leaderId: m.memberId });
    expect(d.members).toEqual([
      {
        memberId: m.memberId,
        clientId: 'c1',
        clientHost: '10.0.0.1',
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 30_000,
        subscription: { topics: ['t'] },
        metadata: null,
        assignment: m.assignment,
      },
    ]);
    expect(d.partitions).toEqual([
      { topic: 't', partition: 0, memberId: m.memberId, committedOffset: 4, logStartOffset: 0, logEndOffset: 10, lag: 6 },
      { topic: 't', partition: 1, memberId: m.memberId, committedOffset: null, logStartOffset: 0, logEndOffset: 3, lag: 3 },
      { topic: 'u', partition: 0, memberId: null, committedOffset: 2, logStartOffset: 0, logEndOffset: 2, lag: 0 },
    ]);
    await h.store.deleteTopic('u');
    expect((await h.coordinator.describeGroup('g')).partitions[2]).toEqual({
      topic: 'u', partition: 0, memberId: null, committedOffset: 2, logStartOffset: null, logEndOffset: null, lag: null,
    });
  });

  it('deletes only empty groups, with their offsets', async () => {
    h = await harness({ t: 1 });
    const m = await h.coordinator.join(nativeJoin('g'));
    await h.coordinator.commit('g', m.memberId, 1, [{ topic: 't', partition: 0, offset: 1 }]);
    await expectCode(h.coordinator.deleteGroup('g'), 'NON_EMPTY_GROUP');
    await h.coordinator.leave({ groupId: 'g', memberId: m.memberId });
    await h.coordinator.deleteGroup('g');
    expect(await h.coordinator.fetchOffsets('g')).toEqual([]);
    expect(h.coordinator.listGroups()).toEqual([]);
    await expectCode(h.coordinator.deleteGroup('g'), 'GROUP_ID_NOT_FOUND');
  });
});
