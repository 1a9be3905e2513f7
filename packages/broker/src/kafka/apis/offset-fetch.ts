import type { KafkaRequestContext } from '../kafka-api.js';
import { KafkaError } from '../error-codes.js';
import { defineKafkaApi } from '../kafka-api.js';
import { offsetFetchRequest, offsetFetchResponse } from '../messages/offset-fetch.js';
import type { Infer } from '../schema/schema.js';
import { groupErrorCode } from './group-errors.js';

type Topics = { name: string; partitionIndexes: number[] }[] | null;
type TopicAnswer = Infer<typeof offsetFetchResponse>['topics'][number];

/** klog keeps no leader epochs: every committed offset answers -1, whatever the commit carried. */
const NO_LEADER_EPOCH = -1;

/**
 * OffsetFetch v1-v9: a group's committed offsets; a partition without a commit answers offset -1 and empty
 * metadata, which sends clients to their reset policy. v2+: null topics = every partition the group committed,
 * and a top-level error. v8+: a batch of groups, each answered in its own entry. v9's member id and epoch belong
 * to the newer consumer protocol; classic groups ignore them, as Kafka's do. require_stable (v7+) changes
 * nothing: klog has no transactions, so no offset is ever pending.
 */
export const offsetFetchApi = defineKafkaApi({
  key: 9,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 9,
  request: offsetFetchRequest,
  response: offsetFetchResponse,
  async handle(request, version, ctx) {
    if (version >= 8) {
      const groups = [];
      for (const g of request.groups) groups.push({ groupId: g.groupId, ...(await groupOffsets(ctx, g.groupId, g.topics)) });
      return { throttleTimeMs: 0, topics: [], errorCode: KafkaError.NONE, groups };
    }
    const { topics, errorCode } = await groupOffsets(ctx, request.groupId, request.topics);
    return { throttleTimeMs: 0, topics, errorCode, groups: [] };
  },
  errorResponse: (request, _version, errorCode) => ({
    throttleTimeMs: 0,
    topics: failedTopics(request.topics, errorCode),
    errorCode,
    groups: request.groups.map((g) => ({ groupId: g.groupId, topics: failedTopics(g.topics, errorCode), errorCode })),
  }),
});

async function groupOffsets(ctx: KafkaRequestContext, groupId: string, topics: Topics): Promise<{ topics: TopicAnswer[]; errorCode: number }> {
  try {
    const wanted = topics?.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
    const offsets = await ctx.broker.coordinator.fetchOffsets(groupId, wanted);
    const byTopic = new Map<string, TopicAnswer>();
    for (const o of offsets) {
      let t = byTopic.get(o.topic);
      if (t === undefined) byTopic.set(o.topic, (t = { name: o.topic, partitions: [] }));
      t.partitions.push({
        partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: NO_LEADER_EPOCH, metadata: o.metadata, errorCode: KafkaError.NONE,
      });
    }
    // Asked-for topics keep the request's order (and appear even when they ask for no partition).
    const answered = topics === null ? [...byTopic.values()] : topics.map((t) => byTopic.get(t.name) ?? { name: t.name, partitions: [] });
    return { topics: answered, errorCode: KafkaError.NONE };
  } catch (err) {
    const errorCode = groupErrorCode(err, ctx, 'OffsetFetch', groupId);
    return { topics: failedTopics(topics, errorCode), errorCode };
  }
}

function failedTopics(topics: Topics, errorCode: number): TopicAnswer[] {
  return (topics ?? []).map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((partitionIndex) => ({
      partitionIndex, committedOffset: -1, committedLeaderEpoch: NO_LEADER_EPOCH, metadata: '', errorCode,
    })),
  }));
}
