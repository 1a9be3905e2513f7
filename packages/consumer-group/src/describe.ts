import { isKlogError } from '@klog/log-core';
import type { TopicPartition } from './assignors/assignor.js';
import { compareTopicPartitions } from './assignors/assignor.js';
import { decodeConsumerAssignment, KAFKA_CONSUMER_PROTOCOL_TYPE } from './consumer-protocol.js';
import type { Group } from './group.js';
import type { OffsetsLog } from './offsets/offsets-log.js';
import type { GroupStore } from './store-port.js';
import type { GroupDescription, MemberDescription, PartitionLag } from './types.js';

/** State, members and, per assigned or committed partition, committed offset, log end and lag. */
export function describeGroup(group: Group, offsets: OffsetsLog, store: GroupStore): GroupDescription {
  const members: MemberDescription[] = [...group.members.values()].map((m) => ({
    memberId: m.memberId,
    ...(m.groupInstanceId === null ? {} : { groupInstanceId: m.groupInstanceId }),
    clientId: m.clientId,
    clientHost: m.clientHost,
    sessionTimeoutMs: m.sessionTimeoutMs,
    rebalanceTimeoutMs: m.rebalanceTimeoutMs,
    subscription: m.subscription?.source ?? null,
    metadata: m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? null,
    assignment: m.assignment,
  }));

  const partitions = new Map<string, { tp: TopicPartition; memberId: string | null }>();
  for (const [memberId, owned] of ownedPartitions(group)) {
    for (const tp of owned) partitions.set(`${tp.partition}@${tp.topic}`, { tp, memberId });
  }
  for (const c of offsets.committed(group.groupId)) {
    const key = `${c.partition}@${c.topic}`;
    if (!partitions.has(key)) partitions.set(key, { tp: { topic: c.topic, partition: c.partition }, memberId: null });
  }

  return {
    groupId: group.groupId,
    state: group.state,
    generationId: group.generationId,
    protocolType: group.protocolType ?? '',
    protocolName: group.protocolName,
    leaderId: group.leaderId,
    members,
    partitions: [...partitions.values()]
      .sort((a, b) => compareTopicPartitions(a.tp, b.tp))
      .map(({ tp, memberId }) => partitionLag(tp, memberId, offsets.get(group.groupId, tp.topic, tp.partition)?.offset ?? null, store)),
  };
}

/** Who owns what, when the coordinator can tell: native assignments, or decodable Kafka consumer assignments. */
function ownedPartitions(group: Group): [string, TopicPartition[]][] {
  return [...group.members.values()].flatMap((m): [string, TopicPartition[]][] => {
    if (m.assignment?.type === 'partitions') return [[m.memberId, m.assignment.partitions]];
    if (m.assignment?.type === 'opaque' && group.protocolType === KAFKA_CONSUMER_PROTOCOL_TYPE) {
      return [[m.memberId, decodeConsumerAssignment(m.assignment.data) ?? []]];
    }
    return [];
  });
}

function partitionLag(tp: TopicPartition, memberId: string | null, committed: number | null, store: GroupStore): PartitionLag {
  let logStartOffset: number;
  let logEndOffset: number;
  try {
    logStartOffset = store.logStartOffset(tp.topic, tp.partition);
    logEndOffset = store.logEndOffset(tp.topic, tp.partition);
  } catch (err) {
    // The topic was deleted or shrank since the offset was committed: show the commit, no log position.
    if (isKlogError(err, 'UNKNOWN_TOPIC') || isKlogError(err, 'UNKNOWN_PARTITION')) {
      return { ...tp, memberId, committedOffset: committed, logStartOffset: null, logEndOffset: null, lag: null };
    }
    throw err;
  }
  const lag = Math.max(0, logEndOffset - Math.max(committed ?? logStartOffset, logStartOffset));
  return { ...tp, memberId, committedOffset: committed, logStartOffset, logEndOffset, lag };
}
