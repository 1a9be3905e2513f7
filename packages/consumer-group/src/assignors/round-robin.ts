import {
  type Assignor,
  emptyAssignment,
  sortAssignment,
  sortedByMemberId,
  subscribedTopics,
} from './assignor.js';

/**
 * Kafka's round-robin assignor: all partitions of all subscribed topics (topics by name, then partition number)
 * are dealt in turn to the members in member-id order, skipping a member that does not subscribe to the
 * partition's topic. When everyone subscribes to the same topics the totals differ by at most one. With differing
 * subscriptions the partitions of one topic still cycle through that topic's subscribers, so per topic the counts
 * among its subscribers differ by at most one (totals may not).
 */
export const roundRobinAssignor: Assignor = (members, partitionsPerTopic) => {
  const result = emptyAssignment(members);
  const ordered = sortedByMemberId(members);
  let cursor = 0;
  for (const topic of subscribedTopics(members, partitionsPerTopic)) {
    const partitions = partitionsPerTopic.get(topic)!;
    for (let p = 0; p < partitions; p++) {
      // The topic is in subscribedTopics, so some member subscribes and this loop ends within one turn.
      while (!ordered[cursor % ordered.length].subscription.includes(topic)) cursor++;
      result.get(ordered[cursor % ordered.length].memberId)!.push({ topic, partition: p });
      cursor++;
    }
  }
  return sortAssignment(result);
};
