import { KlogError } from '@klog/log-core';
import { isInternalTopic } from '../../services/internal-topics.js';
import { KafkaWriter } from '../codec/writer.js';
import { KafkaError, reportedErrorCode } from '../error-codes.js';
import type { KafkaApi, KafkaRequestContext } from '../kafka-api.js';
import { splitRecordSet } from '../record-set.js';

interface PartitionAnswer {
  index: number;
  errorCode: number;
  baseOffset: number;
}

/**
 * Produce v3. Each partition's batches are appended byte for byte by the store (which validates them and
 * assigns offsets); an unknown topic is auto-created like the native produce does. acks 0 gets no response at
 * all: Kafka clients do not read one, and an unexpected answer would desynchronise them.
 */
export const produceApi: KafkaApi = {
  key: 0,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 3,
  async handle(body, _version, ctx) {
    body.nullableString(); // transactional_id: transactions are not offered (InitProducerId is not advertised)
    const acks = body.int16();
    body.int32(); // timeout_ms: appends do not wait on replicas
    const topics = body.array((r) => ({
      name: r.string(),
      partitions: r.array((r) => ({ index: r.int32(), records: r.nullableBytes() })),
    }));

    const answers = [];
    for (const t of topics) {
      const partitions: PartitionAnswer[] = [];
      for (const p of t.partitions) {
        partitions.push(acks === 0 || acks === 1 || acks === -1
          ? await appendPartition(ctx, t.name, p.index, p.records, acks)
          : { index: p.index, errorCode: KafkaError.INVALID_REQUIRED_ACKS, baseOffset: -1 });
      }
      answers.push({ name: t.name, partitions });
    }
    if (acks === 0) return null;

    const w = new KafkaWriter();
    w.array(answers, (w, t) => {
      w.string(t.name).array(t.partitions, (w, p) => w.int32(p.index).int16(p.errorCode).int64(p.baseOffset).int64(-1));
    });
    return w.int32(0);
  },
};

async function appendPartition(ctx: KafkaRequestContext, topic: string, index: number, records: Buffer | null, acks: number): Promise<PartitionAnswer> {
  const { broker } = ctx;
  try {
    // Internal topics hold the broker's own state (__consumer_offsets): only the broker writes them, as in Kafka.
    if (isInternalTopic(topic)) throw new KlogError('INVALID_TOPIC_NAME', `topic ${topic} is internal to the broker and cannot be produced to`);
    await broker.ensureTopic(topic);
    let baseOffset = -1;
    for (const batch of splitRecordSet(records)) {
      const appended = await broker.store.appendBatch(topic, index, batch);
      if (baseOffset < 0) baseOffset = appended.baseOffset;
    }
    if (acks === -1) await broker.store.flushPartition(topic, index);
    return { index, errorCode: KafkaError.NONE, baseOffset };
  } catch (err) {
    return { index, errorCode: reportedErrorCode(err, broker.logger, { topic, partition: index }), baseOffset: -1 };
  }
}
