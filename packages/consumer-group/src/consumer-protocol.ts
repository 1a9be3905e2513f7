import type { TopicPartition } from './assignors/assignor.js';

/** Kafka's protocol type for consumer groups; their assignments use the public ConsumerProtocol format. */
export const KAFKA_CONSUMER_PROTOCOL_TYPE = 'consumer';

/**
 * Reads the partitions out of a Kafka ConsumerProtocol Assignment (all versions start the same way:
 * int16 version, then an int32-counted array of { int16-length topic string, int32-counted array of int32
 * partitions }). Used only to show owners and lag in describe; the coordinator never relies on it. Returns null
 * when the bytes do not parse, since a client is free to send anything.
 */
export function decodeConsumerAssignment(data: Buffer): TopicPartition[] | null {
  try {
    let pos = 2;
    const topicCount = data.readInt32BE(pos);
    pos += 4;
    if (topicCount < 0) return [];
    const result: TopicPartition[] = [];
    for (let t = 0; t < topicCount; t++) {
      const nameLength = data.readInt16BE(pos);
      pos += 2;
      if (nameLength < 0 || pos + nameLength > data.length) return null;
      const topic = data.toString('utf8', pos, pos + nameLength);
      pos += nameLength;
      const partitionCount = data.readInt32BE(pos);
      pos += 4;
      for (let p = 0; p < partitionCount; p++) {
        result.push({ topic, partition: data.readInt32BE(pos) });
        pos += 4;
      }
    }
    return result;
  } catch {
    return null;
  }
}

/**
 * The topics of a Kafka ConsumerProtocol Subscription (every version starts: int16 version, then an
 * int32-counted array of int16-length topic strings); null when the bytes do not parse.
 */
export function decodeConsumerSubscription(data: Buffer): string[] | null {
  try {
    let pos = 2;
    const count = data.readInt32BE(pos);
    pos += 4;
    const topics: string[] = [];
    for (let t = 0; t < count; t++) {
      const length = data.readInt16BE(pos);
      pos += 2;
      if (length < 0 || pos + length > data.length) return null;
      topics.push(data.toString('utf8', pos, pos + length));
      pos += length;
    }
    return topics;
  } catch {
    return null;
  }
}
