// Fuzzing authentication on the Kafka listener of a broker with users: a SaslHandshake (v0, v1, or none) naming
// a real or random mechanism, then random or nearly valid tokens (in SaslAuthenticate v0-v2, or bare after v0),
// then a Metadata request that would create a topic. The broker never crashes nor logs an internal error, never
// answers that request, never creates the topic, and a client that logged in beforehand is still served. Each case comes from its own
// 127.x.y.z address so the login throttle does not slow the run. KLOG_FUZZ_SEED=<seed> replays a failing run.
import { UserStore } from '@klog/broker';
import { encodeBatch } from '@klog/log-core';
import { ScramClient } from '@klog/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saslAuthenticateApi } from '../../packages/broker/src/kafka/apis/sasl-authenticate.js';
import { writeMessage } from '../../packages/broker/src/kafka/schema/message-writer.js';
import { propertyParameters } from '../reliability/fuzz-seed.js';
import { recordingLogger, type LogLine } from '../security/log-recorder.js';
import { removeTempDirs, startKafkaBroker, tempDir, type KafkaBroker } from './kafka-fixture.js';
import { API, bodies, Enc, RawKafka, requestFrame } from './raw-kafka.js';

afterAll(removeTempDirs);

const { SASL_HANDSHAKE, SASL_AUTHENTICATE } = API;
const PASSWORD = 'fuzz password 4';
const SNEAKY = 99;

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
/** Tokens close to valid ones (a SCRAM client-first, a client-final, a PLAIN message) with random parts. */
const token = fc.oneof(
  bytes(200),
  fc.string({ maxLength: 40 }).map((r) => Buffer.from(`n,,n=alice,r=${r}`)),
  fc.string({ maxLength: 80 }).map((r) => Buffer.from(`c=biws,r=${r},p=${Buffer.from(r).toString('base64')}`)),
  fc.string({ maxLength: 30 }).map((p) => Buffer.from(`\u0000alice\u0000${p}`)),
);

const attack = fc.record({
  handshake: fc.constantFrom(null, 0, 1),
  mechanism: fc.oneof(fc.constantFrom('PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'), fc.string({ maxLength: 20 })),
  tokens: fc.array(fc.tuple(token, fc.integer({ min: 0, max: 2 })), { maxLength: 4 }),
  trailing: bytes(24),
}).map(({ handshake, mechanism, tokens, trailing }) => {
  const frames: Buffer[] = [];
  if (handshake !== null) frames.push(requestFrame(SASL_HANDSHAKE, handshake, 1, new Enc().str(mechanism).build()));
  tokens.forEach(([t, version], i) => {
    if (handshake === 0) frames.push(Buffer.concat([new Enc().int32(t.length).build(), t]));
    else {
      const body = Buffer.concat(writeMessage(saslAuthenticateApi.request, { authBytes: t }, version).toBuffers());
      frames.push(requestFrame(SASL_AUTHENTICATE, version, 2 + i, body, 'raw', version >= 2));
    }
  });
  frames.push(Buffer.from(trailing), requestFrame(API.METADATA, 4, SNEAKY, bodies.metadata(['fuzz-sneaky'], true)));
  return Buffer.concat(frames);
});

describe('Kafka listener authentication under fuzzing', () => {
  let broker: KafkaBroker;
  let witness: RawKafka;
  let witnessRecords = 0;
  let lines: LogLine[];
  beforeAll(async () => {
    const dataDir = tempDir();
    UserStore.open(dataDir).putPassword('alice', PASSWORD, { iterations: 4096 });
    const recorder = recordingLogger();
    lines = recorder.lines;
    // alice, the logged-in witness, is a super user: users turn ACLs on, and this test is about logging in.
    broker = await startKafkaBroker({ dataDir, maxFrameBytes: 64 * 1024, kafkaAllowPlainWithoutTls: true, logger: recorder.logger, superUsers: ['alice'] });
    witness = await RawKafka.open(broker.kafkaPort);
    await witness.call(SASL_HANDSHAKE, 1, new Enc().str('SCRAM-SHA-256').build());
    const client = new ScramClient('SCRAM-SHA-256', 'alice', PASSWORD);
    const first = await witness.call(SASL_AUTHENTICATE, 0, new Enc().bytes(Buffer.from(client.first())).build());
    first.int16();
    first.str();
    const final = await witness.call(SASL_AUTHENTICATE, 0, new Enc().bytes(Buffer.from(client.final(first.bytes()!.toString()))).build());
    expect(final.int16()).toBe(0);
  });
  afterAll(async () => {
    witness?.close();
    await broker?.close();
  });

  let nextAddress = 1;
  /** A fresh loopback address per case (127.1.x.y): the throttle counts failures per address. */
  const address = () => {
    const n = nextAddress++;
    return `127.1.${(n >> 8) & 0xff}.${n & 0xff}`;
  };

  it('neither crashes the broker nor lets a request through without a login', async () => {
    let cases = 0;
    await fc.assert(fc.asyncProperty(attack, async (stream) => {
      cases++;
      const conn = await RawKafka.open(broker.kafkaPort, address());
      conn.write(stream);
      // Every path ends in a closed connection, unless random bytes left a frame half sent: then we close.
      const timer = setTimeout(() => conn.close(), 2_000);
      const ids: number[] = [];
      for (let r = await conn.next(); r !== null; r = await conn.next()) ids.push(r.correlationId);
      clearTimeout(timer);
      expect(ids).not.toContain(SNEAKY);
      expect(broker.store.listTopics()).not.toContain('fuzz-sneaky');
      const p = await witness.call(API.PRODUCE, 3, bodies.produce('witness', 0, encodeBatch([{ value: Buffer.from('still here') }])));
      expect(p.array((d) => [d.str(), d.array((d) => [d.int32(), d.int16(), d.int64()])])).toEqual([['witness', [[0, 0, witnessRecords]]]]);
      witnessRecords++;
    }), propertyParameters(150));
    expect(cases).toBeGreaterThanOrEqual(150);
    // Random tokens are failed logins, never bugs: nothing reached the broker's internal-error path.
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(lines.some((l) => l.msg === 'kafka authentication failed')).toBe(true);
    console.log(`Kafka SASL fuzz: ${cases} cases`);
  });
});
