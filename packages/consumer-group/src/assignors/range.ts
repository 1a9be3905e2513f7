import {
  type Assignor,
  emptyAssignment,
  sortAssignment,
  sortedByMemberId,
  subscribedTopics,
} from './assignor.js';

/**
 * Kafka's range assignor: topic by topic, the topic's subscribers in member-id order each take one contiguous
 * range of partitions; with n partitions and c subscribers, everyone gets floor(n/c) and the first n % c members
 * one extra. Per topic the counts differ by at most one; across topics the first members can accumulate extras.
 */
export const rangeAssignor: Assignor = (members, partitionsPerTopic) => {
  const result = emptyAssignment(members);
  const ordered = sortedByMemberId(members);
  for (const topic of subscribedTopics(members, partitionsPerTopic)) {
    const partitions = partitionsPerTopic.get(topic)!;
    const subscribers = ordered.filter((m) => m.subscription.includes(topic));
    const base = Math.floor(partitions / subscribers.length);
    const extra = partitions % subscribers.length;
    subscribers.forEach((m, i) => {
      const start = i * base + Math.min(i, extra);
      const length = base + (i < extra ? 1 : 0);
      for (let p = start; p < start + length; p++) result.get(m.memberId)!.push({ topic, partition: p });
    });
  }
  return sortAssignment(result);
};
