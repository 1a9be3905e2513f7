import {
  type Assignor,
  type AssignorMember,
  type TopicPartition,
  emptyAssignment,
  sortAssignment,
  sortedByMemberId,
  subscribedTopics,
} from './assignor.js';

/**
 * The sticky assignor: balanced like round-robin, but a member keeps what it owned in the previous generation
 * unless balance forces the partition to move.
 *
 * Balance (Kafka's definition, which also covers differing subscriptions): no single partition can move from its
 * owner A to another subscriber B of its topic with count(A) - count(B) > 1. When all members subscribe to the
 * same topics this means the totals differ by at most one.
 *
 * Three steps:
 *  1. every member keeps its still-valid previous partitions (topic exists, partition exists, still subscribed,
 *     not already kept by another member);
 *  2. the partitions nobody kept go, one at a time, to the least-loaded eligible member (partitions with the
 *     fewest eligible members first, so they are not starved);
 *  3. while some partition can move from a member A to an eligible member B with count(A) - count(B) >= 2, move
 *     one from the most-loaded member to the least-loaded eligible one. Each move lowers the sum of squared
 *     counts, so this ends, and it ends exactly when the balance condition holds.
 * A member that received a partition in steps 2 or 3 is never more than one above the least-loaded member, so it
 * is never a source in step 3: with identical subscriptions no member both gains and loses, which is what
 * "moves only what must move" means here. Cost: O(moves x members x partitions-of-a-member) in the worst case.
 */
export const stickyAssignor: Assignor = (members, partitionsPerTopic) => {
  const ordered = sortedByMemberId(members);
  const owned = emptyAssignment(ordered);
  const subscribers = subscribersByTopic(ordered, partitionsPerTopic);
  const kept = new Set<string>();

  for (const m of ordered) {
    for (const tp of m.previous ?? []) {
      const key = partitionKey(tp);
      if (kept.has(key) || !isAssignable(tp, m, partitionsPerTopic)) continue;
      kept.add(key);
      owned.get(m.memberId)!.push({ topic: tp.topic, partition: tp.partition });
    }
  }

  const count = (id: string) => owned.get(id)!.length;
  const leastLoaded = (candidates: AssignorMember[]) =>
    candidates.reduce((best, m) => (count(m.memberId) < count(best.memberId) ? m : best));

  const unassigned: TopicPartition[] = [];
  for (const topic of subscribers.keys()) {
    const partitions = partitionsPerTopic.get(topic)!;
    for (let p = 0; p < partitions; p++) {
      if (!kept.has(partitionKey({ topic, partition: p }))) unassigned.push({ topic, partition: p });
    }
  }
  unassigned.sort((a, b) => subscribers.get(a.topic)!.length - subscribers.get(b.topic)!.length);
  for (const tp of unassigned) owned.get(leastLoaded(subscribers.get(tp.topic)!).memberId)!.push(tp);

  for (;;) {
    const move = findImprovingMove(ordered, owned, subscribers, count, leastLoaded);
    if (move === undefined) break;
    const from = owned.get(move.from)!;
    from.splice(move.index, 1);
    owned.get(move.to)!.push(move.tp);
  }
  return sortAssignment(owned);
};

interface Move {
  from: string;
  index: number;
  to: string;
  tp: TopicPartition;
}

function findImprovingMove(
  ordered: AssignorMember[],
  owned: Map<string, TopicPartition[]>,
  subscribers: Map<string, AssignorMember[]>,
  count: (id: string) => number,
  leastLoaded: (candidates: AssignorMember[]) => AssignorMember,
): Move | undefined {
  // Most-loaded first (stable on member-id order for ties), so with identical subscriptions moves go max -> min.
  const sources = [...ordered].sort((a, b) => count(b.memberId) - count(a.memberId));
  for (const source of sources) {
    const list = owned.get(source.memberId)!;
    // From the end: partitions appended in steps 2-3 are tried before ones kept from the previous generation.
    for (let i = list.length - 1; i >= 0; i--) {
      const target = leastLoaded(subscribers.get(list[i].topic)!);
      if (count(source.memberId) - count(target.memberId) >= 2) {
        return { from: source.memberId, index: i, to: target.memberId, tp: list[i] };
      }
    }
  }
  return undefined;
}

function subscribersByTopic(
  ordered: AssignorMember[],
  partitionsPerTopic: Map<string, number>,
): Map<string, AssignorMember[]> {
  return new Map(
    subscribedTopics(ordered, partitionsPerTopic).map((t) => [t, ordered.filter((m) => m.subscription.includes(t))]),
  );
}

function isAssignable(tp: TopicPartition, m: AssignorMember, partitionsPerTopic: Map<string, number>): boolean {
  const partitions = partitionsPerTopic.get(tp.topic);
  return (
    partitions !== undefined &&
    Number.isInteger(tp.partition) &&
    tp.partition >= 0 &&
    tp.partition < partitions &&
    m.subscription.includes(tp.topic)
  );
}

function partitionKey(tp: TopicPartition): string {
  return `${tp.partition}@${tp.topic}`;
}
