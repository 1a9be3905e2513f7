import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectKlogError, openHandlers, type HandlerBench } from './handler-fixture.js';

let h: HandlerBench;
beforeEach(async () => {
  h = await openHandlers();
  await h.call('createTopics', { topics: [{ name: 'orders', partitions: 2 }] });
});
afterEach(async () => {
  await h.close();
});

async function joinAlone(groupId = 'billing') {
  return (await h.call('joinGroup', { groupId, clientId: 'app', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 5_000, subscription: { topics: ['orders'] } }, { remoteHost: '10.0.0.9' }))!;
}

describe('group membership', () => {
  it('a lone member joins, gets every partition, syncs and heartbeats', async () => {
    const joined = await joinAlone();
    expect(joined).toMatchObject({ groupId: 'billing', generationId: 1, leaderId: joined.memberId, protocolType: 'klog' });
    expect(joined.assignment).toEqual([{ topic: 'orders', partition: 0 }, { topic: 'orders', partition: 1 }]);
    const synced = await h.call('syncGroup', { groupId: 'billing', memberId: joined.memberId, generationId: 1 });
    expect(synced!.assignment).toEqual(joined.assignment);
    expect(await h.call('heartbeat', { groupId: 'billing', memberId: joined.memberId, generationId: 1 })).toEqual({});
  });

  it('refuses heartbeats of unknown members and of old generations', async () => {
    const joined = await joinAlone();
    await expectKlogError(h.call('heartbeat', { groupId: 'billing', memberId: 'nobody', generationId: 1 }), 'UNKNOWN_MEMBER_ID');
    await expectKlogError(h.call('heartbeat', { groupId: 'billing', memberId: joined.memberId, generationId: 0 }), 'ILLEGAL_GENERATION');
  });

  it('lists and describes groups, with who reads what and the lag', async () => {
    const joined = await joinAlone();
    expect((await h.call('listGroups', {}))!.groups).toEqual([{ groupId: 'billing', state: 'Stable', protocolType: 'klog', members: 1 }]);
    const d = (await h.call('describeGroup', { groupId: 'billing' }))!;
    expect(d).toMatchObject({ groupId: 'billing', state: 'Stable', generationId: 1, leaderId: joined.memberId });
    expect(d.members).toEqual([{
      memberId: joined.memberId, clientId: 'app', clientHost: '10.0.0.9', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 5_000,
      subscription: { topics: ['orders'] }, assignment: joined.assignment,
    }]);
    expect(d.partitions.map((p) => p.memberId)).toEqual([joined.memberId, joined.memberId]);
    await expectKlogError(h.call('describeGroup', { groupId: 'unheard-of' }), 'GROUP_ID_NOT_FOUND');
  });

  it('a member that leaves empties the group', async () => {
    const joined = await joinAlone();
    expect(await h.call('leaveGroup', { groupId: 'billing', memberId: joined.memberId })).toEqual({});
    expect((await h.call('describeGroup', { groupId: 'billing' }))!).toMatchObject({ state: 'Empty', members: [] });
  });
});

describe('group offsets', () => {
  it('commits as a member and fetches the commits back', async () => {
    const joined = await joinAlone();
    await h.call('offsetCommit', { groupId: 'billing', memberId: joined.memberId, generationId: 1,
      offsets: [{ topic: 'orders', partition: 0, offset: 5, metadata: 'm' }] });
    expect((await h.call('offsetFetch', { groupId: 'billing' }))!.offsets).toEqual([{ topic: 'orders', partition: 0, offset: 5, metadata: 'm' }]);
    expect((await h.call('offsetFetch', { groupId: 'billing', partitions: [{ topic: 'orders', partition: 1 }] }))!.offsets)
      .toEqual([{ topic: 'orders', partition: 1, offset: -1, metadata: '' }]);
  });

  it('refuses a commit from outside an active group', async () => {
    await joinAlone();
    await expectKlogError(h.call('offsetCommit', { groupId: 'billing', offsets: [{ topic: 'orders', partition: 0, offset: 1 }] }), 'UNKNOWN_MEMBER_ID');
  });

  it('resets the offsets of an empty group, not of one with members, then deletes it', async () => {
    const joined = await joinAlone();
    await expectKlogError(h.call('resetOffsets', { groupId: 'billing', topic: 'orders', to: 'latest' }), 'NON_EMPTY_GROUP');
    await expectKlogError(h.call('deleteGroup', { groupId: 'billing' }), 'NON_EMPTY_GROUP');
    await h.call('leaveGroup', { groupId: 'billing', memberId: joined.memberId });
    const reset = await h.call('resetOffsets', { groupId: 'billing', topic: 'orders', to: { offset: 0 }, partitions: [1] });
    expect(reset!.offsets).toEqual([{ topic: 'orders', partition: 1, offset: 0 }]);
    expect(await h.call('deleteGroup', { groupId: 'billing' })).toEqual({});
    expect((await h.call('listGroups', {}))!.groups).toEqual([]);
  });
});
