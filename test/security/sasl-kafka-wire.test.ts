// SASL on a plaintext Kafka listener, byte by byte (what real clients would never send): before authenticating
// only ApiVersions and the SASL APIs are answered, anything else closes the connection; PLAIN is not offered
// without TLS unless the operator allows it; the SASL APIs out of order answer ILLEGAL_SASL_STATE; a failed
// login answers SASL_AUTHENTICATION_FAILED with its reason and closes; a bare-token (v0) exchange works.
import { ScramClient } from '@klog/protocol';
import { UserStore } from '@klog/broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, startKafkaBroker, tempDir, type KafkaBroker } from '../kafka/kafka-fixture.js';
import { API, bodies, Enc, RawKafka, requestFrame, type Dec } from '../kafka/raw-kafka.js';

const { SASL_HANDSHAKE, SASL_AUTHENTICATE } = API;
const PASSWORD = 'wire password 3';

afterAll(removeTempDirs);

const handshake = (mechanism: string) => new Enc().str(mechanism).build();
const authenticate = (token: Buffer) => new Enc().bytes(token).build();
const mechanismsOf = (d: Dec) => ({ errorCode: d.int16(), mechanisms: d.array((d) => d.str()) });
/** SaslAuthenticate's answer: error code, message, token, and from v1 the session lifetime. */
const authAnswer = (d: Dec, version = 1) =>
  ({ errorCode: d.int16(), errorMessage: d.str(), authBytes: d.bytes(), sessionLifetimeMs: version >= 1 ? d.int64() : undefined });

async function brokerWithUser(opts: { kafkaAllowPlainWithoutTls?: boolean } = {}): Promise<KafkaBroker> {
  const dataDir = tempDir();
  UserStore.open(dataDir).putPassword('alice', PASSWORD, { iterations: 4096 });
  return startKafkaBroker({ dataDir, ...opts });
}

/** The connection is closed by the broker: no answer comes, whatever is asked next. */
async function expectClosed(conn: RawKafka): Promise<void> {
  expect(await conn.next()).toBeNull();
}

describe('SASL on a plaintext Kafka listener, on the wire', () => {
  let broker: KafkaBroker;
  beforeAll(async () => {
    broker = await brokerWithUser();
  });
  afterAll(async () => broker?.close());

  it('answers ApiVersions before authentication, and closes the connection on any other request', async () => {
    const conn = await RawKafka.open(broker.kafkaPort);
    const versions = await conn.call(API.API_VERSIONS, 0, bodies.apiVersions());
    expect(versions.int16()).toBe(0);
    const keys = versions.array((d) => [d.int16(), d.int16(), d.int16()]);
    expect(keys).toContainEqual([SASL_HANDSHAKE, 0, 1]);
    expect(keys).toContainEqual([SASL_AUTHENTICATE, 0, 2]);
    conn.write(requestFrame(API.METADATA, 4, 8, bodies.metadata(['sneaky'], true)));
    await expectClosed(conn);
    expect(broker.store.listTopics()).not.toContain('sneaky');
  });

  it('offers SCRAM only without TLS: PLAIN is UNSUPPORTED_SASL_MECHANISM (33), then the connection closes', async () => {
    const conn = await RawKafka.open(broker.kafkaPort);
    expect(mechanismsOf(await conn.call(SASL_HANDSHAKE, 1, handshake('PLAIN')))).toEqual({ errorCode: 33, mechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-512'] });
    await expectClosed(conn);
  });

  it('answers SaslAuthenticate before SaslHandshake with ILLEGAL_SASL_STATE (34)', async () => {
    const conn = await RawKafka.open(broker.kafkaPort);
    const answer = authAnswer(await conn.call(SASL_AUTHENTICATE, 1, authenticate(Buffer.from('n,,n=alice,r=abc'))));
    expect(answer).toMatchObject({ errorCode: 34, errorMessage: expect.stringMatching(/SaslHandshake/) });
    await expectClosed(conn);
  });

  it('logs in with SCRAM-SHA-512 inside SaslAuthenticate v1 (session lifetime 0), then serves Metadata', async () => {
    const conn = await RawKafka.open(broker.kafkaPort);
    expect(mechanismsOf(await conn.call(SASL_HANDSHAKE, 1, handshake('SCRAM-SHA-512'))).errorCode).toBe(0);
    const client = new ScramClient('SCRAM-SHA-512', 'alice', PASSWORD);
    const first = authAnswer(await conn.call(SASL_AUTHENTICATE, 1, authenticate(Buffer.from(client.first()))));
    expect(first.errorCode).toBe(0);
    const final = authAnswer(await conn.call(SASL_AUTHENTICATE, 1, authenticate(Buffer.from(client.final(first.authBytes!.toString())))));
    expect(final).toMatchObject({ errorCode: 0, errorMessage: null, sessionLifetimeMs: 0 });
    client.verify(final.authBytes!.toString());
    const metadata = await conn.call(API.METADATA, 4, bodies.metadata(null));
    expect(metadata.done).toBe(false);
    conn.close();
  });

  it('answers a wrong password with SASL_AUTHENTICATION_FAILED (58) and its reason, then closes', async () => {
    const conn = await RawKafka.open(broker.kafkaPort);
    await conn.call(SASL_HANDSHAKE, 1, handshake('SCRAM-SHA-256'));
    const client = new ScramClient('SCRAM-SHA-256', 'alice', 'wrong');
    const first = authAnswer(await conn.call(SASL_AUTHENTICATE, 0, authenticate(Buffer.from(client.first()))), 0);
    const d = await conn.call(SASL_AUTHENTICATE, 0, authenticate(Buffer.from(client.final(first.authBytes!.toString()))));
    expect({ errorCode: d.int16(), errorMessage: d.str() }).toEqual({ errorCode: 58, errorMessage: 'authentication failed: unknown user or wrong password' });
    await expectClosed(conn);
  });

  it('takes bare tokens after SaslHandshake v0 and answers them bare', async () => {
    const conn = await RawKafka.open(broker.kafkaPort);
    expect(mechanismsOf(await conn.call(SASL_HANDSHAKE, 0, handshake('SCRAM-SHA-256'))).errorCode).toBe(0);
    const bare: Buffer[] = [];
    const frames = new Promise<void>((resolve) => {
      conn.socket.removeAllListeners('data');
      let pending = Buffer.alloc(0);
      conn.socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
          bare.push(pending.subarray(4, 4 + pending.readInt32BE(0)));
          pending = pending.subarray(4 + pending.readInt32BE(0));
          resolve();
        }
      });
    });
    const sized = (b: Buffer) => Buffer.concat([new Enc().int32(b.length).build(), b]);
    const client = new ScramClient('SCRAM-SHA-256', 'alice', PASSWORD);
    conn.write(sized(Buffer.from(client.first())));
    await frames;
    const serverFirst = bare[0].toString();
    expect(serverFirst).toMatch(/^r=.*,s=.*,i=4096$/);
    conn.write(sized(Buffer.from(client.final(serverFirst))));
    while (bare.length < 2) await new Promise((r) => setTimeout(r, 10));
    client.verify(bare[1].toString());
    conn.close();
  });
});

describe('a plaintext Kafka listener allowed PLAIN by the operator', () => {
  it('offers PLAIN and logs in with it', async () => {
    const broker = await brokerWithUser({ kafkaAllowPlainWithoutTls: true });
    try {
      const conn = await RawKafka.open(broker.kafkaPort);
      expect(mechanismsOf(await conn.call(SASL_HANDSHAKE, 1, handshake('PLAIN'))))
        .toEqual({ errorCode: 0, mechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN'] });
      const answer = authAnswer(await conn.call(SASL_AUTHENTICATE, 1, authenticate(Buffer.from(`\u0000alice\u0000${PASSWORD}`))));
      expect(answer).toMatchObject({ errorCode: 0, authBytes: Buffer.alloc(0) });
      expect((await conn.call(API.API_VERSIONS, 0, bodies.apiVersions())).int16()).toBe(0);
      conn.close();
    } finally {
      await broker.close();
    }
  });
});
