import { pollPartitions, type PartitionRead } from '../../services/fetch-poll.js';
import { KafkaWriter } from '../codec/writer.js';
import { KafkaError, kafkaErrorCode } from '../error-codes.js';
import type { ClassicKafkaApi } from '../kafka-api.js';

/** Longest long-poll honoured; Kafka clients ask for 0.5-5 s. */
const MAX_WAIT_MS = 60_000;

/**
 * Fetch v4: stored batches straight from the segment files, with the long-poll the native fetch uses.
 * No transactions exist, so the last stable offset is the high watermark (librdkafka treats it as the end of
 * the partition); records are never null (kafka-python cannot read a null).
 */
export const fetchApi: ClassicKafkaApi = {
  key: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 4,
  async handle(body, _version, ctx) {
    body.int32(); // replica_id: always -1 from consumers
    const maxWaitMs = clamp(body.int32(), 0, MAX_WAIT_MS);
    const minBytes = Math.max(0, body.int32());
    const maxBytes = Math.max(1, body.int32());
    body.int8(); // isolation_level: without transactions both levels read the same records
    const topics = body.array((r) => ({
      topic: r.string(),
      partitions: r.array((r) => ({ partition: r.int32(), offset: r.int64(), maxBytes: Math.max(1, r.int32()) })),
    }));

    const wanted: PartitionRead[] = topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, ...p })));
    const results = await pollPartitions(wanted, { maxWaitMs, minBytes, maxBytes }, ctx.broker, ctx.closed);

    let next = 0;
    const w = new KafkaWriter().int32(0);
    w.array(topics, (w, t) => {
      w.string(t.topic).array(t.partitions, (w) => {
        const r = results[next++];
        const end = r.error ? -1 : (r.highWatermark ?? -1);
        w.int32(r.partition).int16(r.error ? kafkaErrorCode(r.error) : KafkaError.NONE).int64(end).int64(end);
        w.int32(0).bytes(r.records); // no aborted transactions
      });
    });
    return w;
  },
};

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
