/** A partition of a topic: what an assignor hands out. */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/** One group member as an assignor sees it. */
export interface AssignorMember {
  memberId: string;
  /** Topic names this member consumes (already resolved from a pattern, if it used one). */
  subscription: string[];
  /** What the member owned in the previous generation (used by sticky; the others ignore it). */
  previous?: TopicPartition[];
}

/**
 * An assignor is a pure function. For every input it must give every partition of every topic that at least one
 * member subscribes to (and that exists in partitionsPerTopic) exactly one owner, chosen among that topic's
 * subscribers; every member appears in the result, possibly with an empty list; lists are sorted.
 */
export type Assignor = (
  members: AssignorMember[],
  partitionsPerTopic: Map<string, number>,
) => Map<string, TopicPartition[]>;

export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  return a.partition - b.partition;
}

/** Members in member-id order: range and round-robin are defined over this order (as in Kafka). */
export function sortedByMemberId(members: AssignorMember[]): AssignorMember[] {
  return [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
}

/** Topics somebody subscribes to that exist, sorted by name. */
export function subscribedTopics(members: AssignorMember[], partitionsPerTopic: Map<string, number>): string[] {
  const topics = new Set<string>();
  for (const m of members) for (const t of m.subscription) if (partitionsPerTopic.has(t)) topics.add(t);
  return [...topics].sort();
}

/** Result skeleton with every member present, and a finaliser that sorts each member's list. */
export function emptyAssignment(members: AssignorMember[]): Map<string, TopicPartition[]> {
  return new Map(members.map((m) => [m.memberId, [] as TopicPartition[]]));
}

export function sortAssignment(result: Map<string, TopicPartition[]>): Map<string, TopicPartition[]> {
  for (const list of result.values()) list.sort(compareTopicPartitions);
  return result;
}
