import { KlogError } from '@klog/log-core';
import { isInternalTopic } from '../../services/internal-topics.js';
import type { KafkaReader } from '../codec/reader.js';
import { KafkaWriter } from '../codec/writer.js';
import { KafkaError, reportedErrorCode } from '../error-codes.js';
import type { ClassicKafkaApi, KafkaRequestContext } from '../kafka-api.js';

/** The offset that means "up to the high watermark": everything written so far. */
const HIGH_WATERMARK = -1;

interface PartitionRequest {
  partition: number;
  offset: number;
}

interface PartitionAnswer {
  partition: number;
  lowWatermark: number;
  errorCode: number;
}

/**
 * DeleteRecords v0-1 (the same on the wire; v2 is flexible). Each partition's log start offset moves up to the
 * offset given (-1: its end); whole segments below it are deleted. Answers the new start (low watermark).
 */
export const deleteRecordsApi: ClassicKafkaApi = {
  key: 21,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 1,
  async handle(body, _version, ctx) {
    const topics = body.array((r) => ({ name: r.string(), partitions: r.array(readPartition) }));
    body.int32(); // timeout_ms: the trim is done before the answer
    const answers = [];
    for (const t of topics) {
      const partitions: PartitionAnswer[] = [];
      for (const p of t.partitions) partitions.push(await trimOne(t.name, p, ctx));
      answers.push({ name: t.name, partitions });
    }
    return new KafkaWriter().int32(0).array(answers, (w, t) => {
      w.string(t.name).array(t.partitions, (w, p) => w.int32(p.partition).int64(p.lowWatermark).int16(p.errorCode));
    });
  },
};

function readPartition(r: KafkaReader): PartitionRequest {
  return { partition: r.int32(), offset: r.int64() };
}

async function trimOne(topic: string, p: PartitionRequest, ctx: KafkaRequestContext): Promise<PartitionAnswer> {
  const { store, logger } = ctx.broker;
  try {
    if (isInternalTopic(topic)) throw new KlogError('INVALID_TOPIC_NAME', `topic ${topic} belongs to the broker; it cannot be trimmed`);
    const before = p.offset === HIGH_WATERMARK ? store.logEndOffset(topic, p.partition) : p.offset;
    await store.deleteRecordsBefore(topic, p.partition, before);
    const lowWatermark = store.logStartOffset(topic, p.partition);
    logger.info({ topic, partition: p.partition, logStartOffset: lowWatermark }, 'trimmed partition (kafka protocol)');
    return { partition: p.partition, lowWatermark, errorCode: KafkaError.NONE };
  } catch (err) {
    return { partition: p.partition, lowWatermark: -1, errorCode: reportedErrorCode(err, logger, { api: 'DeleteRecords', topic }) };
  }
}
