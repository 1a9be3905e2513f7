import { isKlogError } from '@klog/log-core';
import { isInternalTopic } from '../../services/internal-topics.js';
import { KafkaWriter } from '../codec/writer.js';
import { KafkaError, kafkaErrorCode } from '../error-codes.js';
import { NODE_ID, type KafkaApi } from '../kafka-api.js';

interface TopicAnswer {
  name: string;
  errorCode: number;
  partitions: number;
}

const CLUSTER_ID = 'klog';

/**
 * Metadata v0-v4. One broker (this one) leads every partition. A named topic that does not exist is created
 * at once when the request allows it (v0-v3 always do, v4 says so in allow_auto_topic_creation), and answered
 * as ready: Kafka's LEADER_NOT_AVAILABLE pause would make kafka-python's producer (retries=0) lose records.
 */
export const metadataApi: KafkaApi = {
  key: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 4,
  async handle(body, version, ctx) {
    const listed = body.nullableArray((r) => r.string());
    // v0 has no null: there an empty list means all topics (v1+: null = all, empty = none).
    const requested = version === 0 && listed?.length === 0 ? null : listed;
    const allowAutoCreate = version >= 4 ? body.bool() : true;

    const store = ctx.broker.store;
    const topics: TopicAnswer[] = [];
    for (const name of requested ?? store.listTopics()) {
      try {
        await ctx.broker.ensureTopic(name, allowAutoCreate);
        topics.push({ name, errorCode: KafkaError.NONE, partitions: store.partitionCount(name) });
      } catch (err) {
        if (!isKlogError(err)) throw err;
        topics.push({ name, errorCode: kafkaErrorCode(err), partitions: 0 });
      }
    }

    const w = new KafkaWriter();
    if (version >= 3) w.int32(0);
    w.array([ctx.advertised], (w, b) => {
      w.int32(NODE_ID).string(b.host).int32(b.port);
      if (version >= 1) w.nullableString(null);
    });
    if (version >= 2) w.nullableString(CLUSTER_ID);
    if (version >= 1) w.int32(NODE_ID);
    w.array(topics, (w, t) => {
      w.int16(t.errorCode).string(t.name);
      if (version >= 1) w.bool(isInternalTopic(t.name));
      w.array(Array.from({ length: t.partitions }, (_, p) => p), (w, p) => {
        w.int16(KafkaError.NONE).int32(p).int32(NODE_ID).array([NODE_ID], (w, n) => w.int32(n)).array([NODE_ID], (w, n) => w.int32(n));
      });
    });
    return w;
  },
};
