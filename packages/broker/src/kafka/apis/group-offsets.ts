import { KafkaWriter } from '../codec/writer.js';
import { KafkaError, reportedErrorCode } from '../error-codes.js';
import type { ClassicKafkaApi } from '../kafka-api.js';

/**
 * OffsetCommit v2 and OffsetFetch v1: the group's committed offsets, the same ones native consumers commit
 * and read (one store of offsets per broker). A commit is all or nothing, so one error code answers for
 * every partition of it.
 */
export const offsetCommitApi: ClassicKafkaApi = {
  key: 8,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 2,
  async handle(body, _version, ctx) {
    const groupId = body.string();
    const generationId = body.int32();
    const memberId = body.string();
    body.int64(); // retention_time_ms: committed offsets live as long as the group's log keeps them
    const topics = body.array((r) => ({
      name: r.string(),
      partitions: r.array((r) => ({ index: r.int32(), offset: r.int64(), metadata: r.nullableString() })),
    }));
    let errorCode: number = KafkaError.NONE;
    try {
      const offsets = topics.flatMap((t) => t.partitions.map((p) => ({
        topic: t.name, partition: p.index, offset: p.offset, metadata: p.metadata ?? '',
      })));
      await ctx.broker.coordinator.commit(groupId, memberId, generationId, offsets);
    } catch (err) {
      errorCode = reportedErrorCode(err, ctx.broker.logger, { api: 'OffsetCommit', groupId });
    }
    return new KafkaWriter().array(topics, (w, t) => {
      w.string(t.name).array(t.partitions, (w, p) => w.int32(p.index).int16(errorCode));
    });
  },
};

/** Partitions without a commit answer offset -1 and empty metadata, which sends clients to their reset policy. */
export const offsetFetchApi: ClassicKafkaApi = {
  key: 9,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 1,
  async handle(body, _version, ctx) {
    const groupId = body.string();
    const topics = body.array((r) => ({ name: r.string(), partitions: r.array((r) => r.int32()) }));
    const wanted = topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
    let errorCode: number = KafkaError.NONE;
    let committed = new Map<string, { offset: number; metadata: string }>();
    try {
      const offsets = await ctx.broker.coordinator.fetchOffsets(groupId, wanted);
      committed = new Map(offsets.map((o) => [`${o.partition}@${o.topic}`, o]));
    } catch (err) {
      errorCode = reportedErrorCode(err, ctx.broker.logger, { api: 'OffsetFetch', groupId });
    }
    return new KafkaWriter().array(topics, (w, t) => {
      w.string(t.name).array(t.partitions, (w, p) => {
        const c = committed.get(`${p}@${t.name}`);
        w.int32(p).int64(c?.offset ?? -1).nullableString(c?.metadata ?? '').int16(errorCode);
      });
    });
  },
};
