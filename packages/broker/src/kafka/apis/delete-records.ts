import { trimPartition } from '../../services/topic-admin.js';
import { KafkaError, reportedErrorCode } from '../error-codes.js';
import { defineKafkaApi, type KafkaRequestContext } from '../kafka-api.js';
import { deleteRecordsRequest, deleteRecordsResponse } from '../messages/delete-records.js';
import type { Infer } from '../schema/schema.js';

type PartitionResult = Infer<typeof deleteRecordsResponse>['topics'][number]['partitions'][number];

/** The offset that means "up to the high watermark": everything written so far. */
const HIGH_WATERMARK = -1;

/**
 * DeleteRecords v0-v2 (v2 flexible). Each partition's log start offset moves up to the offset given (-1: the
 * high watermark) and whole segments below it are deleted, as the native deleteRecords does
 * (services/topic-admin.ts); the answer is the new start (low watermark). Above the end: OFFSET_OUT_OF_RANGE.
 * The trim is done before the answer, so timeout_ms is not needed.
 */
export const deleteRecordsApi = defineKafkaApi({
  key: 21,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 2,
  request: deleteRecordsRequest,
  response: deleteRecordsResponse,
  async handle(request, _version, ctx) {
    const topics = [];
    for (const t of request.topics) {
      const partitions: PartitionResult[] = [];
      for (const p of t.partitions) partitions.push(await trimOne(t.name, p.partitionIndex, p.offset, ctx));
      topics.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
  errorResponse: (request, _version, errorCode) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode })) })),
  }),
});

async function trimOne(topic: string, partitionIndex: number, offset: number, ctx: KafkaRequestContext): Promise<PartitionResult> {
  const { store, logger } = ctx.broker;
  try {
    const before = offset === HIGH_WATERMARK ? store.logEndOffset(topic, partitionIndex) : offset;
    const lowWatermark = await trimPartition(ctx.broker, topic, partitionIndex, before, 'kafka');
    return { partitionIndex, lowWatermark, errorCode: KafkaError.NONE };
  } catch (err) {
    return { partitionIndex, lowWatermark: -1, errorCode: reportedErrorCode(err, logger, { api: 'DeleteRecords', topic }) };
  }
}
