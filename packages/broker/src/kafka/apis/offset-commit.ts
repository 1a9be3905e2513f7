import { KafkaError } from '../error-codes.js';
import { defineKafkaApi } from '../kafka-api.js';
import { offsetCommitRequest, offsetCommitResponse } from '../messages/offset-commit.js';
import type { Infer } from '../schema/schema.js';
import { groupErrorCode } from './group-errors.js';

type OffsetCommitRequest = Infer<typeof offsetCommitRequest>;

/**
 * OffsetCommit v2-v9: the group's committed offsets, the same ones native consumers commit and read (one store
 * of offsets per broker). Generation -1 with member id "" commits outside a group (an Empty or unknown one).
 * A commit is all or nothing, so one error code answers for every partition of it. retention_time_ms (v2-v4) is
 * ignored: offsets live as long as __consumer_offsets keeps them. committed_leader_epoch (v6+) is not stored
 * (klog has no leader epochs): OffsetFetch answers -1 for it. v7+ static members are checked (FENCED_INSTANCE_ID).
 */
export const offsetCommitApi = defineKafkaApi({
  key: 8,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 9,
  request: offsetCommitRequest,
  response: offsetCommitResponse,
  async handle(request, _version, ctx) {
    const { groupId } = request;
    let errorCode: number = KafkaError.NONE;
    try {
      const offsets = request.topics.flatMap((t) => t.partitions.map((p) => ({
        topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.committedMetadata ?? '',
      })));
      await ctx.broker.coordinator.commit(groupId, request.memberId, request.generationIdOrMemberEpoch, offsets, request.groupInstanceId);
    } catch (err) {
      errorCode = groupErrorCode(err, ctx, 'OffsetCommit', groupId);
    }
    return answer(request, errorCode);
  },
  errorResponse: (request, _version, errorCode) => answer(request, errorCode),
});

function answer(request: OffsetCommitRequest, errorCode: number) {
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
  };
}
