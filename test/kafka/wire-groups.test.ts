// The consumer-group APIs at the byte level, for what the tested clients do not exercise: JoinGroup v4+'s
// MEMBER_ID_REQUIRED round trip, static membership (v5+: a restarted member takes its instance's place without a
// rebalance, the old member id is fenced), LeaveGroup v3's batch, DeleteGroups and OffsetDelete.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, startKafkaBroker, type KafkaBroker } from './kafka-fixture.js';
import { API, bodies, Enc, RawKafka } from './raw-kafka.js';

const DELETE_GROUPS = 42;
const OFFSET_DELETE = 47;
const NONE = 0;
const REBALANCE_IN_PROGRESS = 27;
const UNKNOWN_MEMBER_ID = 25;
const NON_EMPTY_GROUP = 68;
const GROUP_ID_NOT_FOUND = 69;
const MEMBER_ID_REQUIRED = 79;
const FENCED_INSTANCE_ID = 82;
const GROUP_SUBSCRIBED_TO_TOPIC = 86;

let broker: KafkaBroker;
const conns: RawKafka[] = [];
beforeAll(async () => {
  broker = await startKafkaBroker();
  await broker.store.createTopic('orders', { partitions: 2 });
  await broker.store.createTopic('audit', { partitions: 1 });
});
afterAll(async () => {
  await broker?.close();
  removeTempDirs();
});
afterEach(() => {
  for (const c of conns.splice(0)) c.close();
});

async function connection(): Promise<RawKafka> {
  const c = await RawKafka.open(broker.kafkaPort);
  conns.push(c);
  return c;
}

/** A ConsumerProtocol Subscription v0: the topics, no user data. */
function subscription(...topics: string[]): Buffer {
  return new Enc().int16(0).array(topics, (e, t) => e.str(t)).bytes(null).build();
}

interface Joined { error: number; generation: number; protocol: string | null; leader: string | null; memberId: string | null; members: { memberId: string | null; instance: string | null }[] }

/** JoinGroup v4 (no instance id) or v5 (with one), classic encoding. */
async function join(c: RawKafka, group: string, memberId: string, opts: { instance?: string | null; version?: 4 | 5; topics?: string[] } = {}): Promise<Joined> {
  const version = opts.version ?? (opts.instance === undefined ? 4 : 5);
  const e = new Enc().str(group).int32(10_000).int32(10_000).str(memberId);
  if (version >= 5) e.str(opts.instance ?? null);
  e.str('consumer').array([['range', subscription(...(opts.topics ?? ['orders']))] as const], (e, [name, meta]) => e.str(name).bytes(meta));
  const d = await c.call(API.JOIN_GROUP, version, e.build());
  expect(d.int32()).toBe(0);
  const answer = {
    error: d.int16(), generation: d.int32(), protocol: d.str(), leader: d.str(), memberId: d.str(),
    members: d.array((d) => ({ memberId: d.str(), instance: version >= 5 ? d.str() : null, metadata: d.bytes() })).map(({ memberId, instance }) => ({ memberId, instance })),
  };
  expect(d.done).toBe(true);
  return answer;
}

/** SyncGroup v3: the error and the member's assignment. */
async function sync(c: RawKafka, group: string, generation: number, memberId: string, instance: string | null, assignments: [string, string][] = []) {
  const body = new Enc().str(group).int32(generation).str(memberId).str(instance)
    .array(assignments, (e, [m, a]) => e.str(m).bytes(Buffer.from(a))).build();
  const d = await c.call(API.SYNC_GROUP, 3, body);
  expect(d.int32()).toBe(0);
  return { error: d.int16(), assignment: d.bytes()?.toString() };
}

async function heartbeat(c: RawKafka, group: string, generation: number, memberId: string, instance: string | null): Promise<number> {
  const d = await c.call(API.HEARTBEAT, 3, new Enc().str(group).int32(generation).str(memberId).str(instance).build());
  expect(d.int32()).toBe(0);
  return d.int16();
}

async function leave(c: RawKafka, group: string, members: [string, string | null][]) {
  const d = await c.call(API.LEAVE_GROUP, 3, new Enc().str(group).array(members, (e, [m, i]) => e.str(m).str(i)).build());
  expect(d.int32()).toBe(0);
  return { error: d.int16(), members: d.array((d) => [d.str(), d.str(), d.int16()]) };
}

async function commit(c: RawKafka, group: string, topic: string, partition: number, offset: number): Promise<number> {
  const d = await c.call(API.OFFSET_COMMIT, 2, bodies.offsetCommit(group, topic, partition, offset));
  const [answer] = d.array((d) => ({ topic: d.str(), partitions: d.array((d) => ({ partition: d.int32(), error: d.int16() })) }));
  return answer.partitions[0].error;
}

async function fetchOffset(c: RawKafka, group: string, topic: string, partition: number): Promise<number> {
  const d = await c.call(API.OFFSET_FETCH, 1, bodies.offsetFetch(group, topic, partition));
  const [answer] = d.array((d) => ({
    topic: d.str(), partitions: d.array((d) => ({ partition: d.int32(), offset: d.int64(), metadata: d.str(), error: d.int16() })),
  }));
  return answer.partitions[0].offset;
}

describe('JoinGroup v4+: MEMBER_ID_REQUIRED', () => {
  it('a first join without a member id gets one with error 79; the join with it forms the generation', async () => {
    const c = await connection();
    const first = await join(c, 'mir', '');
    expect(first).toMatchObject({ error: MEMBER_ID_REQUIRED, generation: -1, leader: '', members: [] });
    expect(first.memberId).toMatch(/^raw-/);
    const second = await join(c, 'mir', first.memberId!);
    expect(second).toMatchObject({ error: NONE, generation: 1, protocol: 'range', leader: first.memberId, memberId: first.memberId });
    expect(second.members.map((m) => m.memberId)).toEqual([first.memberId]);
    expect(await sync(c, 'mir', 1, first.memberId!, null, [[first.memberId!, 'all of it']])).toEqual({ error: NONE, assignment: 'all of it' });
    expect(await heartbeat(c, 'mir', 1, first.memberId!, null)).toBe(NONE);
    // An id never handed out is still unknown.
    expect((await join(c, 'mir', 'made-up')).error).toBe(UNKNOWN_MEMBER_ID);
  });

  it('a static member (v5 with an instance id) is not asked for a member id', async () => {
    const c = await connection();
    const joined = await join(c, 'mir-static', '', { instance: 'host-1' });
    expect(joined).toMatchObject({ error: NONE, generation: 1 });
    expect(joined.memberId).toMatch(/^host-1-/);
    expect(joined.members).toEqual([{ memberId: joined.memberId, instance: 'host-1' }]);
  });
});

describe('JoinGroup v5+: static membership', () => {
  it('a restarted member rejoining under its instance id replaces the old one without a rebalance; the old id is fenced', async () => {
    const [a, b, a2] = [await connection(), await connection(), await connection()];
    // a (leader) and b form generation 2 together: a alone first, then b's join rebalances and a rejoins.
    const a1 = await join(a, 'static', '', { instance: 'a' });
    expect(a1.generation).toBe(1);
    const bJoin = join(b, 'static', '', { instance: 'b' });
    await expect.poll(() => heartbeat(a, 'static', 1, a1.memberId!, 'a')).toBe(REBALANCE_IN_PROGRESS);
    const [aGen2, bGen2] = await Promise.all([join(a, 'static', a1.memberId!, { instance: 'a' }), bJoin]);
    expect([aGen2.generation, bGen2.generation]).toEqual([2, 2]);
    expect(aGen2.members.map((m) => m.instance)).toEqual(['a', 'b']);
    const bSync = sync(b, 'static', 2, bGen2.memberId!, 'b');
    expect(await sync(a, 'static', 2, aGen2.memberId!, 'a', [[aGen2.memberId!, 'P0'], [bGen2.memberId!, 'P1']])).toEqual({ error: NONE, assignment: 'P0' });
    expect(await bSync).toEqual({ error: NONE, assignment: 'P1' });

    // "a" restarts: a new connection, no member id, the same instance id. Same generation, same leadership.
    const again = await join(a2, 'static', '', { instance: 'a' });
    expect(again).toMatchObject({ error: NONE, generation: 2, leader: again.memberId });
    expect(again.memberId).not.toBe(aGen2.memberId);
    expect(await sync(a2, 'static', 2, again.memberId!, 'a')).toEqual({ error: NONE, assignment: 'P0' });
    // b never sees a rebalance.
    expect(await heartbeat(b, 'static', 2, bGen2.memberId!, 'b')).toBe(NONE);
    expect(await heartbeat(a2, 'static', 2, again.memberId!, 'a')).toBe(NONE);
    // The old incarnation is fenced wherever it shows up with its instance id.
    expect(await heartbeat(a, 'static', 2, aGen2.memberId!, 'a')).toBe(FENCED_INSTANCE_ID);
    expect((await join(a, 'static', aGen2.memberId!, { instance: 'a' })).error).toBe(FENCED_INSTANCE_ID);
    expect((await sync(a, 'static', 2, aGen2.memberId!, 'a')).error).toBe(FENCED_INSTANCE_ID);
    expect(await leave(a, 'static', [[aGen2.memberId!, 'a']])).toEqual({ error: NONE, members: [[aGen2.memberId, 'a', FENCED_INSTANCE_ID]] });

    // LeaveGroup v3: a batch, one by instance id alone, one unknown; each answered on its own.
    expect(await leave(b, 'static', [['', 'b'], ['nobody', null]])).toEqual({
      error: NONE, members: [['', 'b', NONE], ['nobody', null, UNKNOWN_MEMBER_ID]],
    });
    expect(await heartbeat(a2, 'static', 2, again.memberId!, 'a')).toBe(REBALANCE_IN_PROGRESS);
  });
});

describe('DeleteGroups and OffsetDelete', () => {
  async function deleteGroups(c: RawKafka, groups: string[], version = 0) {
    const d = await c.call(DELETE_GROUPS, version, new Enc().array(groups, (e, g) => e.str(g)).build());
    expect(d.int32()).toBe(0);
    return d.array((d) => [d.str(), d.int16()]);
  }

  async function offsetDelete(c: RawKafka, group: string, topics: [string, number[]][]) {
    const body = new Enc().str(group).array(topics, (e, [t, ps]) => e.str(t).array(ps, (e, p) => e.int32(p))).build();
    const d = await c.call(OFFSET_DELETE, 0, body);
    const error = d.int16();
    expect(d.int32()).toBe(0);
    return { error, topics: d.array((d) => [d.str(), d.array((d) => [d.int32(), d.int16()])]) };
  }

  it('DeleteGroups deletes an empty group with its offsets and refuses a group with members or none at all', async () => {
    const c = await connection();
    expect(await commit(c, 'to-delete', 'orders', 0, 42)).toBe(NONE);
    const member = await join(c, 'busy', '', { instance: 'x' });
    expect(member.error).toBe(NONE);
    expect(await deleteGroups(c, ['to-delete', 'busy', 'never-was'])).toEqual([
      ['to-delete', NONE], ['busy', NON_EMPTY_GROUP], ['never-was', GROUP_ID_NOT_FOUND],
    ]);
    expect(await fetchOffset(c, 'to-delete', 'orders', 0)).toBe(-1);
    expect(await deleteGroups(c, ['to-delete'], 1)).toEqual([['to-delete', GROUP_ID_NOT_FOUND]]);
  });

  it('OffsetDelete removes offsets of topics no member consumes and keeps subscribed ones', async () => {
    const c = await connection();
    expect(await commit(c, 'od', 'orders', 1, 7)).toBe(NONE);
    expect(await commit(c, 'od', 'audit', 0, 3)).toBe(NONE);
    const member = await join(c, 'od', '', { instance: 'od-1', topics: ['orders'] });
    expect(member.error).toBe(NONE);
    expect(await offsetDelete(c, 'od', [['orders', [1]], ['audit', [0]]])).toEqual({
      error: NONE, topics: [['orders', [[1, GROUP_SUBSCRIBED_TO_TOPIC]]], ['audit', [[0, NONE]]]],
    });
    expect(await fetchOffset(c, 'od', 'orders', 1)).toBe(7);
    expect(await fetchOffset(c, 'od', 'audit', 0)).toBe(-1);
    expect(await offsetDelete(c, 'no-such-group', [['orders', [0]]])).toEqual({ error: GROUP_ID_NOT_FOUND, topics: [] });
  });
});
