import type { BrokerServices } from '../../services/broker-services.js';
import { KafkaError, reportedErrorCode } from '../error-codes.js';
import { defineKafkaApi } from '../kafka-api.js';
import { listOffsetsRequest, listOffsetsResponse } from '../messages/list-offsets.js';
import type { Infer } from '../schema/schema.js';

type ListOffsetsRequest = Infer<typeof listOffsetsRequest>;
type ListOffsetsResponse = Infer<typeof listOffsetsResponse>;
type OffsetAnswer = ListOffsetsResponse['topics'][number]['partitions'][number];

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;
/** -3 exists from v7 on; older requests carrying it are refused as Kafka refuses them. */
const FIRST_MAX_TIMESTAMP_VERSION = 7;
/** Metadata reports no leader epochs (-1), so none is reported here either. */
const NO_LEADER_EPOCH = -1;

/**
 * ListOffsets v1-v7: -1 = the log end (what "latest" consumers start from; with no transactions it is also the
 * last stable offset asked for by read_committed), -2 = the log start, -3 (v7) = the record with the largest
 * timestamp; any other timestamp = the first record at or after it, with that record's timestamp (-1/-1 when
 * every record is older, as Kafka answers). -3 before v7, and Kafka's later specials (-4 and below, tiered
 * storage), are UNSUPPORTED_VERSION. current_leader_epoch is not checked: one leader, which never changes.
 */
export const listOffsetsApi = defineKafkaApi({
  key: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 7,
  request: listOffsetsRequest,
  response: listOffsetsResponse,
  async handle(request, version, ctx) {
    const topics = [];
    for (const t of request.topics) {
      const partitions: OffsetAnswer[] = [];
      for (const p of t.partitions) partitions.push(await lookUp(ctx.broker, t.name, p.partitionIndex, p.timestamp, version));
      topics.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
  errorResponse,
});

function errorResponse(request: ListOffsetsRequest, _version: number, errorCode: number): ListOffsetsResponse {
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => answer(p.partitionIndex, errorCode, -1, -1)) })),
  };
}

function answer(partitionIndex: number, errorCode: number, timestamp: number, offset: number): OffsetAnswer {
  return { partitionIndex, errorCode, oldStyleOffsets: [], timestamp, offset, leaderEpoch: NO_LEADER_EPOCH };
}

async function lookUp(broker: BrokerServices, topic: string, index: number, timestamp: number, version: number): Promise<OffsetAnswer> {
  const { store } = broker;
  try {
    if (timestamp === LATEST) return answer(index, KafkaError.NONE, -1, store.logEndOffset(topic, index));
    if (timestamp === EARLIEST) return answer(index, KafkaError.NONE, -1, store.logStartOffset(topic, index));
    if (timestamp === MAX_TIMESTAMP && version >= FIRST_MAX_TIMESTAMP_VERSION) {
      const found = await store.maxTimestampRecord(topic, index);
      return answer(index, KafkaError.NONE, found?.timestamp ?? -1, found?.offset ?? -1);
    }
    if (timestamp < EARLIEST) return answer(index, KafkaError.UNSUPPORTED_VERSION, -1, -1);
    const offset = await store.offsetForTimestamp(topic, index, timestamp);
    if (offset === null) return answer(index, KafkaError.NONE, -1, -1);
    const { records } = await store.read(topic, index, { offset, maxBytes: 1 });
    const found = records.find((r) => r.offset === offset);
    return answer(index, KafkaError.NONE, found?.timestamp ?? -1, offset);
  } catch (err) {
    return answer(index, reportedErrorCode(err, broker.logger, { topic, partition: index }), -1, -1);
  }
}
