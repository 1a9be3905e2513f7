import type { BrokerServices } from '../../services/broker-services.js';
import { KafkaWriter } from '../codec/writer.js';
import { KafkaError, reportedErrorCode } from '../error-codes.js';
import type { ClassicKafkaApi } from '../kafka-api.js';

const LATEST = -1;
const EARLIEST = -2;

interface OffsetAnswer {
  index: number;
  errorCode: number;
  timestamp: number;
  offset: number;
}

/**
 * ListOffsets v1: -1 = the log end (what "latest" consumers start from), -2 = the log start; any other
 * timestamp = the first record at or after it, with that record's timestamp (-1/-1 when every record is older,
 * as Kafka answers).
 */
export const listOffsetsApi: ClassicKafkaApi = {
  key: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 1,
  async handle(body, _version, ctx) {
    body.int32(); // replica_id
    const topics = body.array((r) => ({ name: r.string(), partitions: r.array((r) => ({ index: r.int32(), timestamp: r.int64() })) }));
    const answers = [];
    for (const t of topics) {
      const partitions: OffsetAnswer[] = [];
      for (const p of t.partitions) partitions.push(await lookUp(ctx.broker, t.name, p.index, p.timestamp));
      answers.push({ name: t.name, partitions });
    }
    return new KafkaWriter().array(answers, (w, t) => {
      w.string(t.name).array(t.partitions, (w, p) => w.int32(p.index).int16(p.errorCode).int64(p.timestamp).int64(p.offset));
    });
  },
};

async function lookUp(broker: BrokerServices, topic: string, index: number, timestamp: number): Promise<OffsetAnswer> {
  const { store } = broker;
  try {
    if (timestamp === LATEST) return { index, errorCode: KafkaError.NONE, timestamp: -1, offset: store.logEndOffset(topic, index) };
    if (timestamp === EARLIEST) return { index, errorCode: KafkaError.NONE, timestamp: -1, offset: store.logStartOffset(topic, index) };
    const offset = await store.offsetForTimestamp(topic, index, timestamp);
    if (offset === null) return { index, errorCode: KafkaError.NONE, timestamp: -1, offset: -1 };
    const { records } = await store.read(topic, index, { offset, maxBytes: 1 });
    const found = records.find((r) => r.offset === offset);
    return { index, errorCode: KafkaError.NONE, timestamp: found?.timestamp ?? -1, offset };
  } catch (err) {
    return { index, errorCode: reportedErrorCode(err, broker.logger, { topic, partition: index }), timestamp: -1, offset: -1 };
  }
}
