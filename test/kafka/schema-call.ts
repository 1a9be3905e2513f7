// Requests to the Kafka listener built from the listener's own schemas (typed objects, any version, flexible or
// not) and their answers decoded the same way. The bytes themselves are pinned by the golden tests
// (packages/broker/test/kafka/golden); these helpers are for tests about behaviour.
import { KafkaReader } from '../../packages/broker/src/kafka/codec/reader.js';
import type { KafkaApi } from '../../packages/broker/src/kafka/kafka-api.js';
import { readMessage } from '../../packages/broker/src/kafka/schema/message-reader.js';
import { writeMessage } from '../../packages/broker/src/kafka/schema/message-writer.js';
import { isFlexible, type Infer, type MessageSchema } from '../../packages/broker/src/kafka/schema/schema.js';
import { requestFrame, type RawKafka } from './raw-kafka.js';

let nextCorrelationId = 1000;

/** Sends `request` at `version`; the decoded answer, or null when the connection closed instead. */
export async function callApi<Req extends MessageSchema, Res extends MessageSchema>(
  conn: RawKafka, api: KafkaApi<Req, Res>, version: number, request: Infer<Req>,
): Promise<Infer<Res> | null> {
  const correlationId = nextCorrelationId++;
  const body = Buffer.concat(writeMessage(api.request, request, version).toBuffers());
  conn.write(requestFrame(api.key, version, correlationId, body, 'schema-call', isFlexible(api.request, version)));
  const r = await conn.next();
  if (r === null) return null;
  if (r.correlationId !== correlationId) throw new Error(`answer for correlation id ${r.correlationId}, expected ${correlationId}`);
  const rest = r.body.buf.subarray(r.body.pos);
  const flexibleHeader = !api.responseHeaderV0 && isFlexible(api.response, version);
  const reader = new KafkaReader(flexibleHeader ? skipEmptyTags(rest) : rest);
  const decoded = readMessage(api.response, reader, version);
  if (reader.remaining !== 0) throw new Error(`${reader.remaining} bytes left after the ${api.name} v${version} answer`);
  return decoded;
}

function skipEmptyTags(b: Buffer): Buffer {
  if (b[0] !== 0) throw new Error(`response header v1 should end with an empty tag section, got byte ${b[0]}`);
  return b.subarray(1);
}
