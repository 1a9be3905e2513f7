import { kafkaErrorCode, KafkaError } from '../error-codes.js';
import { defineKafkaApi } from '../kafka-api.js';
import { offsetDeleteRequest, offsetDeleteResponse } from '../messages/offset-delete.js';
import type { Infer } from '../schema/schema.js';
import { groupErrorCode } from './group-errors.js';

type OffsetDeleteRequest = Infer<typeof offsetDeleteRequest>;

/**
 * OffsetDelete v0: some of a group's committed offsets go (through the coordinator's deleteOffsets). Group-level
 * refusals answer the top-level error with no topics: GROUP_ID_NOT_FOUND (69), NON_EMPTY_GROUP (68) when the
 * group has members whose subscriptions klog cannot read. A partition of a topic a member consumes answers
 * GROUP_SUBSCRIBED_TO_TOPIC (86) and keeps its offset; an unknown partition, UNKNOWN_TOPIC_OR_PARTITION.
 */
export const offsetDeleteApi = defineKafkaApi({
  key: 47,
  name: 'OffsetDelete',
  minVersion: 0,
  maxVersion: 0,
  request: offsetDeleteRequest,
  response: offsetDeleteResponse,
  async handle(request, _version, ctx) {
    const { groupId } = request;
    const asked = request.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex })));
    try {
      const outcomes = await ctx.broker.coordinator.deleteOffsets(groupId, asked);
      const codes = new Map(outcomes.map((o) => [`${o.partition}@${o.topic}`, o.error === null ? KafkaError.NONE : kafkaErrorCode(o.error)]));
      return {
        errorCode: KafkaError.NONE,
        throttleTimeMs: 0,
        topics: request.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: codes.get(`${p.partitionIndex}@${t.name}`)! })),
        })),
      };
    } catch (err) {
      return { errorCode: groupErrorCode(err, ctx, 'OffsetDelete', groupId), throttleTimeMs: 0, topics: [] };
    }
  },
  errorResponse: (request, _version, errorCode) => failure(request, errorCode),
});

function failure(request: OffsetDeleteRequest, errorCode: number) {
  return {
    errorCode,
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
  };
}
