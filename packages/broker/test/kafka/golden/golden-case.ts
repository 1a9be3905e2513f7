// What a golden case of the Kafka listener is: one API, the store it runs against, and a request written by
// hand for each version. golden.test.ts sends it at every version the API serves and pins request and response
// bytes in test/fixtures/kafka-listener/<api>.golden.
import type { LogStore } from '@klog/log-core';
import type { KafkaApi } from '../../../src/kafka/kafka-api.js';
import type { KafkaSaslSession } from '../../../src/kafka/kafka-sasl.js';
import type { BrokerSecurity } from '../../../src/security/broker-security.js';
import type { Infer, MessageSchema } from '../../../src/kafka/schema/schema.js';

export interface GoldenCase<Req extends MessageSchema = MessageSchema, Res extends MessageSchema = MessageSchema> {
  readonly api: KafkaApi<Req, Res>;
  /** Topics and records the requests find; runs once, before the first version. */
  setup?(store: LogStore): Promise<void>;
  /**
   * The connection's SASL state each request meets (the SASL APIs: a handshake done, a user to log in as);
   * default: a fresh session on a broker without users.
   */
  saslSession?(security: BrokerSecurity, version: number): KafkaSaslSession;
  /** The request at a version (fields the version lacks are ignored by the encoder). */
  request(version: number): Infer<Req>;
}

export function goldenCase<Req extends MessageSchema, Res extends MessageSchema>(c: GoldenCase<Req, Res>): GoldenCase<Req, Res> {
  return c;
}
