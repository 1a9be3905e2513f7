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
/** Metadata reports no leader epochs (-1), so none is reported here either. */
const NO_LEADER_EPOCH = -1;

/**
 * ListOffsets v1-v6: -1 = the log end (what "latest" consumers start from; with no transactions it is also the
 * last stable offset asked for by read_committed), -2 = the log start; any other timestamp = the first record at
 * or after it, with that record's timestamp (-1/-1 when every record is older, as Kafka answers); -3 and lower, Kafka's later
 * specials, are UNSUPPORTED_VERSION. v7's -3 (the
 * record with the largest timestamp) would need the store to find that record, so the range stops at 6.
 * current_leader_epoch is not checked: there is one leader and it never changes.
 */
export const listOffsetsApi = defineKafkaApi({
  key: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 6,
  request: listOffsetsRequest,
  response: listOffsetsResponse,
  async handle(request, _version, ctx) {
    const topics = [];
    for (const t of request.topics) {
      const partitions: OffsetAnswer[] = [];
      for (const p of t.partitions) partitions.push(await lookUp(ctx.broker, t.name, p.partitionIndex, p.timestamp));
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

async function lookUp(broker: BrokerServices, topic: string, index: number, timestamp: number): Promise<OffsetAnswer> {
  const { store } = broker;
  try {
    if (timestamp === LATEST) return answer(index, KafkaError.NONE, -1, store.logEndOffset(topic, index));
    if (timestamp === EARLIEST) return answer(index, KafkaError.NONE, -1, store.logStartOffset(topic, index));
    // -3 and below are Kafka's later specials (max timestamp, tiered storage), not timestamps: not served here.
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
