// ACLs on the Kafka listener, request by request through the dispatcher as a connection hands them over, with the
// principal a client certificate gives (CN alice): refused requests carry TOPIC_/GROUP_/CLUSTER_AUTHORIZATION_FAILED
// (29/30/31) where the API's answer has room for an error; Metadata and ListGroups show only what one may describe.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeClusterApi } from '../../src/kafka/apis/describe-cluster.js';
import { joinGroupApi } from '../../src/kafka/apis/join-group.js';
import { metadataApi } from '../../src/kafka/apis/metadata.js';
import { produceApi } from '../../src/kafka/apis/produce.js';
import { KafkaReader } from '../../src/kafka/codec/reader.js';
import { KafkaWriter } from '../../src/kafka/codec/writer.js';
import { KafkaError } from '../../src/kafka/error-codes.js';
import { KafkaSaslSession } from '../../src/kafka/kafka-sasl.js';
import type { KafkaApi } from '../../src/kafka/kafka-api.js';
import { dispatchRequest } from '../../src/kafka/request-dispatch.js';
import { readMessage } from '../../src/kafka/schema/message-reader.js';
import { writeMessage } from '../../src/kafka/schema/message-writer.js';
import { isFlexible, type Infer, type MessageSchema } from '../../src/kafka/schema/schema.js';
import { AclStore } from '../../src/security/acl-store.js';
import { BrokerSecurity } from '../../src/security/broker-security.js';
import { UserStore } from '../../src/security/user-store.js';
import { BrokerContext } from '../../src/server/broker-context.js';
import { openHandlers, type HandlerBench } from '../handler-fixture.js';

let bench: HandlerBench;
let broker: BrokerContext;
beforeAll(async () => {
  bench = await openHandlers();
  const c = bench.ctx;
  // Authorization asked for with no users: the principals are client certificates' CNs.
  const security = new BrokerSecurity(UserStore.inMemory(), AclStore.inMemory(), { always: true, superUsers: ['root'] });
  broker = new BrokerContext(c.store, c.config, c.logger, c.producerIds, c.coordinator, c.queues, c.address, c.metrics, security);
  for (const t of ['orders', 'payments']) await c.store.createTopic(t, { partitions: 1 });
  security.authorizer.acls.add({ principal: 'User:alice', resourceType: 'topic', resourceName: 'orders', prefix: false, operation: 'read', allow: true });
  security.authorizer.acls.add({ principal: 'User:alice', resourceType: 'group', resourceName: 'orders-app', prefix: false, operation: 'read', allow: true });
});
afterAll(async () => bench?.close());

async function call<Req extends MessageSchema, Res extends MessageSchema>(
  principal: string | null, api: KafkaApi<Req, Res>, version: number, request: Partial<Infer<Req>>,
): Promise<Infer<Res>> {
  const w = new KafkaWriter().int16(api.key).int16(version).int32(1).nullableString('acl-client');
  if (isFlexible(api.request, version)) w.uvarint(0);
  writeMessage(api.request, { ...defaults(api.request), ...request } as Infer<Req>, version, w);
  // The principal is given directly (as if the connection had authenticated); the session is one that never did.
  const sasl = new KafkaSaslSession(broker.security, { plainAllowed: false, remoteHost: '127.0.0.1', certificatePrincipal: null, log: pino({ level: 'silent' }) });
  const ctx = { broker, remoteHost: '127.0.0.1', advertised: { host: 'broker.test', port: 9092 }, closed: new AbortController().signal, principal, sasl };
  const outcome = await dispatchRequest(Buffer.concat(w.toBuffers()), ctx, pino({ level: 'silent' }));
  if (outcome.action !== 'respond') throw new Error(`no answer: ${outcome.action}`);
  return readMessage(api.response, new KafkaReader(Buffer.concat(outcome.body.toBuffers())), version) as Infer<Res>;
}

function defaults(schema: MessageSchema): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema.fields).map(([name, f]) => [
    name, f.default !== undefined ? f.default : f.nullable ? null : f.type.kind === 'array' ? [] : f.type.kind === 'string' ? '' : f.type.kind === 'bool' ? false : 0,
  ]));
}

const produceTo = (topic: string) => ({ acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: Buffer.alloc(0) }] }] });

describe('ACLs on the Kafka listener (mTLS principal)', () => {
  it('Metadata for all topics lists only the describable ones; a named one that is not says TOPIC_AUTHORIZATION_FAILED', async () => {
    const all = await call('alice', metadataApi, 12, { topics: null });
    expect(all.topics.map((t) => t.name)).toEqual(['orders']);
    const named = await call('alice', metadataApi, 12, { topics: [{ name: 'payments', topicId: Buffer.alloc(16) }], allowAutoTopicCreation: false });
    expect(named.topics).toMatchObject([{ name: 'payments', errorCode: KafkaError.TOPIC_AUTHORIZATION_FAILED, partitions: [] }]);
    expect((await call(null, metadataApi, 12, { topics: null })).topics).toEqual([]);
    expect((await call('root', metadataApi, 12, { topics: null })).topics.map((t) => t.name)).toEqual(expect.arrayContaining(['orders', 'payments']));
  });

  it('refuses a Produce with write denied, a JoinGroup to another group, DescribeCluster; the super user passes', async () => {
    const produced = await call('alice', produceApi, 9, produceTo('orders'));
    expect(produced.responses[0].partitionResponses[0].errorCode).toBe(KafkaError.TOPIC_AUTHORIZATION_FAILED);
    const joined = await call('alice', joinGroupApi, 5, { groupId: 'payments-app', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 6000, protocolType: 'consumer' });
    expect(joined.errorCode).toBe(KafkaError.GROUP_AUTHORIZATION_FAILED);
    expect((await call('alice', describeClusterApi, 0, {})).errorCode).toBe(KafkaError.CLUSTER_AUTHORIZATION_FAILED);
    expect((await call('root', describeClusterApi, 0, {})).errorCode).toBe(KafkaError.NONE);
    expect((await call('root', produceApi, 9, produceTo('orders'))).responses[0].partitionResponses[0].errorCode).not.toBe(KafkaError.TOPIC_AUTHORIZATION_FAILED);
  });
});
