import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rangeAssignor, roundRobinAssignor, stickyAssignor, type AssignorMember, type TopicPartition } from '../src/index.js';

type Assignment = Map<string, TopicPartition[]>;

const topicNames = ['a', 'b', 'c', 'd', 'e'];

/** 1..5 topics with 1..50 partitions each. */
const topicsArb = fc
  .uniqueArray(fc.constantFrom(...topicNames), { minLength: 1, maxLength: 5 })
  .chain((names) => fc.tuple(...names.map((n) => fc.tuple(fc.constant(n), fc.integer({ min: 1, max: 50 })))))
  .map((entries) => new Map<string, number>(entries));

/** Member ids are unique; subscriptions are arbitrary subsets, including topics that do not exist. */
const membersArb = (subscription: fc.Arbitrary<string[]>) =>
  fc
    .uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 20 })
    .chain((ids) => fc.tuple(...ids.map((id) => subscription.map((s): AssignorMember => ({ memberId: id, subscription: s })))));

const anySubscription = fc.subarray([...topicNames, 'missing']);

const key = (tp: TopicPartition) => `${tp.topic}/${tp.partition}`;

function checkOwnership(members: AssignorMember[], ppt: Map<string, number>, result: Assignment): void {
  expect([...result.keys()].sort()).toEqual(members.map((m) => m.memberId).sort());
  const owners = new Map<string, string>();
  for (const [memberId, list] of result) {
    const member = members.find((m) => m.memberId === memberId)!;
    for (const tp of list) {
      expect(member.subscription).toContain(tp.topic);
      expect(tp.partition).toBeGreaterThanOrEqual(0);
      expect(tp.partition).toBeLessThan(ppt.get(tp.topic)!);
      expect(owners.has(key(tp))).toBe(false);
      owners.set(key(tp), memberId);
    }
    expect(list).toEqual([...list].sort((x, y) => (x.topic === y.topic ? x.partition - y.partition : x.topic < y.topic ? -1 : 1)));
  }
  for (const [topic, n] of ppt) {
    const subscribed = members.some((m) => m.subscription.includes(topic));
    for (let p = 0; p < n; p++) expect(owners.has(`${topic}/${p}`)).toBe(subscribed);
  }
}

const spread = (counts: number[]) => (counts.length === 0 ? 0 : Math.max(...counts) - Math.min(...counts));
const counts = (result: Assignment) => [...result.values()].map((l) => l.length);

function perTopicSpread(members: AssignorMember[], result: Assignment, topic: string): number {
  return spread(
    members.filter((m) => m.subscription.includes(topic)).map((m) => result.get(m.memberId)!.filter((tp) => tp.topic === topic).length),
  );
}

/** Kafka's balance definition: no partition can move to another subscriber of its topic that has 2+ fewer. */
function isBalanced(members: AssignorMember[], result: Assignment): boolean {
  for (const [owner, list] of result) {
    for (const tp of list) {
      for (const other of members) {
        if (other.subscription.includes(tp.topic) && list.length - result.get(other.memberId)!.length > 1) return false;
      }
    }
  }
  return true;
}

const all = [
  ['range', rangeAssignor],
  ['roundrobin', roundRobinAssignor],
  ['sticky', stickyAssignor],
] as const;

describe.each(all)('%s assignor', (_name, assign) => {
  it('gives every subscribed partition exactly one subscribed owner, for arbitrary subscriptions', () => {
    fc.assert(
      fc.property(topicsArb, membersArb(anySubscription), (ppt, members) => {
        checkOwnership(members, ppt, assign(members, ppt));
      }),
    );
  });

  it('does not depend on the order members are listed in', () => {
    fc.assert(
      fc.property(topicsArb, membersArb(anySubscription), (ppt, members) => {
        expect(assign([...members].reverse(), ppt)).toEqual(assign(members, ppt));
      }),
    );
  });
});

describe('balance', () => {
  it('roundrobin and sticky: totals differ by at most one when all members subscribe to the same topics', () => {
    fc.assert(
      fc.property(topicsArb, membersArb(fc.constant(topicNames)), (ppt, members) => {
        expect(spread(counts(roundRobinAssignor(members, ppt)))).toBeLessThanOrEqual(1);
        expect(spread(counts(stickyAssignor(members, ppt)))).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('range and roundrobin: per topic, counts among its subscribers differ by at most one', () => {
    fc.assert(
      fc.property(topicsArb, membersArb(anySubscription), (ppt, members) => {
        for (const assign of [rangeAssignor, roundRobinAssignor]) {
          const result = assign(members, ppt);
          for (const topic of ppt.keys()) expect(perTopicSpread(members, result, topic)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('sticky: no partition can move to a subscriber with two fewer, for arbitrary subscriptions and history', () => {
    const previousArb = fc.array(
      fc.record({ topic: fc.constantFrom(...topicNames, 'missing'), partition: fc.integer({ min: -1, max: 55 }) }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(topicsArb, membersArb(anySubscription), fc.array(previousArb, { minLength: 20, maxLength: 20 }), (ppt, members, prev) => {
        const withHistory = members.map((m, i) => ({ ...m, previous: prev[i] }));
        const result = stickyAssignor(withHistory, ppt);
        checkOwnership(members, ppt, result);
        expect(isBalanced(members, result)).toBe(true);
      }),
    );
  });
});

describe('range assignor semantics', () => {
  it('gives each subscriber one contiguous range per topic, in member-id order, extras to the first', () => {
    fc.assert(
      fc.property(topicsArb, membersArb(anySubscription), (ppt, members) => {
        const result = rangeAssignor(members, ppt);
        const ordered = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : 1));
        for (const [topic, n] of ppt) {
          const subs = ordered.filter((m) => m.subscription.includes(topic));
          const ranges = subs.map((m) => result.get(m.memberId)!.filter((tp) => tp.topic === topic).map((tp) => tp.partition));
          expect(ranges.flat()).toEqual(subs.length === 0 ? [] : Array.from({ length: n }, (_, i) => i));
          for (let i = 1; i < ranges.length; i++) expect(ranges[i - 1].length).toBeGreaterThanOrEqual(ranges[i].length);
        }
      }),
    );
  });

  it('matches Kafka on the documented example (two consumers, two topics of three partitions)', () => {
    const ppt = new Map([['t0', 3], ['t1', 3]]);
    const result = rangeAssignor(
      [
        { memberId: 'C0', subscription: ['t0', 't1'] },
        { memberId: 'C1', subscription: ['t0', 't1'] },
      ],
      ppt,
    );
    const names = (id: string) => result.get(id)!.map((tp) => `${tp.topic}p${tp.partition}`);
    expect(names('C0')).toEqual(['t0p0', 't0p1', 't1p0', 't1p1']);
    expect(names('C1')).toEqual(['t0p2', 't1p2']);
  });
});

describe('sticky assignor movement', () => {
  /** Most partitions the new generation can keep: the q+1 quotas go to the members that owned most. */
  function maxKeepable(prevCounts: number[], total: number, memberCount: number): number {
    const q = Math.floor(total / memberCount);
    const r = total % memberCount;
    return [...prevCounts].sort((a, b) => b - a).reduce((sum, c, i) => sum + Math.min(c, i < r ? q + 1 : q), 0);
  }

  const changeArb = fc.record({
    ppt: topicsArb,
    before: fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 20 }),
    joiners: fc.uniqueArray(fc.integer({ min: 100, max: 140 }), { maxLength: 5 }),
    leavers: fc.uniqueArray(fc.nat(), { maxLength: 5 }),
  });

  it('on members joining and leaving, no member both loses and gains, and the most possible is kept', () => {
    fc.assert(
      fc.property(changeArb, ({ ppt, before, joiners, leavers }) => {
        const topics = [...ppt.keys()];
        const member = (n: number): AssignorMember => ({ memberId: `m${n}`, subscription: topics });
        const first = stickyAssignor(before.map(member), ppt);
        const leaving = new Set(leavers.map((i) => `m${before[i % before.length]}`));
        const next = [...before.map(member).filter((m) => !leaving.has(m.memberId)), ...joiners.map(member)];
        fc.pre(next.length > 0);
        const withHistory = next.map((m) => ({ ...m, previous: first.get(m.memberId) ?? [] }));
        const second = stickyAssignor(withHistory, ppt);

        let kept = 0;
        for (const m of withHistory) {
          const had = new Set(m.previous.map(key));
          const has = new Set(second.get(m.memberId)!.map(key));
          const lost = [...had].some((k) => !has.has(k));
          const gained = [...has].some((k) => !had.has(k));
          expect(lost && gained).toBe(false);
          kept += [...has].filter((k) => had.has(k)).length;
        }
        const total = [...ppt.values()].reduce((a, b) => a + b, 0);
        expect(kept).toBe(maxKeepable(withHistory.map((m) => m.previous.length), total, next.length));
      }),
    );
  });

  it('moves nothing when the membership does not change', () => {
    fc.assert(
      fc.property(topicsArb, membersArb(anySubscription), (ppt, members) => {
        const first = stickyAssignor(members, ppt);
        expect(stickyAssignor(members.map((m) => ({ ...m, previous: first.get(m.memberId) })), ppt)).toEqual(first);
      }),
    );
  });

  it('only redistributes the leaver partitions when a member leaves an evenly balanced group', () => {
    const ppt = new Map([['a', 12]]);
    const ids = ['m1', 'm2', 'm3', 'm4'];
    const first = stickyAssignor(ids.map((memberId) => ({ memberId, subscription: ['a'] })), ppt);
    const second = stickyAssignor(
      ids.slice(0, 3).map((memberId) => ({ memberId, subscription: ['a'], previous: first.get(memberId) })),
      ppt,
    );
    for (const id of ids.slice(0, 3)) {
      expect(second.get(id)!.length).toBe(4);
      for (const tp of first.get(id)!) expect(second.get(id)).toContainEqual(tp);
    }
  });
});
