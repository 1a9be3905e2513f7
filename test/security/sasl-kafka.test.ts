// SASL on the Kafka listener, driven by real Kafka clients against a broker with users (the same users.json the
// native listener authenticates against): kcat (librdkafka: SaslHandshake v1 + SaslAuthenticate) with
// SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN over TLS, kafka-python 2.0.2 (SaslHandshake v0, then bare token frames)
// with SCRAM-SHA-256 and PLAIN, kafkajs with SCRAM-SHA-256; a wrong password or an unknown user is refused with
// a clear error on the client and a log line on the broker (never the password), and nothing is produced.
import { UserStore } from '@klog/broker';
import { createClient } from '@klog/client';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, missingTool, removeTempDirs, run, runPython, startKafkaBroker, tempDir, type KafkaBroker } from '../kafka/kafka-fixture.js';
import { makeCertificates, type TestCertificates } from './certificates.js';
import { PY_ROUND_TRIP } from './python-round-trip.js';
import { recordingLogger, type LogLine } from './log-recorder.js';

const PASSWORD = 'kafka-side secret 1';
const WRONG = 'not the password 2';

let certs: TestCertificates;
let broker: KafkaBroker;
let lines: LogLine[];
beforeAll(async () => {
  for (const tool of ['kcat', 'kafka-python'] as const) {
    const missing = missingTool(tool);
    if (missing) throw new Error(missing);
  }
  certs = makeCertificates();
  const dataDir = tempDir();
  UserStore.open(dataDir).putPassword('alice', PASSWORD, { iterations: 4096 });
  UserStore.open(dataDir).putPassword('bob', PASSWORD, { iterations: 4096 });
  const recorder = recordingLogger();
  lines = recorder.lines;
  // alice is a super user: with users, ACLs are on, and this file is about logging in (acl-*.test.ts cover ACLs).
  broker = await startKafkaBroker({ dataDir, tls: { cert: certs.server.cert, key: certs.server.key }, logger: recorder.logger, superUsers: ['alice'] });
});
afterAll(async () => {
  await broker?.close();
  certs?.remove();
  removeTempDirs();
});

function kcatSasl(mechanism: string, user: string, password: string): string[] {
  return ['-b', bootstrap(broker), '-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${certs.ca.certFile}`,
    '-X', `sasl.mechanisms=${mechanism}`, '-X', `sasl.username=${user}`, '-X', `sasl.password=${password}`];
}

const saslSettings = (mechanism: string, user: string, password: string): string => JSON.stringify({
  security_protocol: 'SASL_SSL', ssl_cafile: certs.ca.certFile, sasl_mechanism: mechanism, sasl_plain_username: user, sasl_plain_password: password,
});

describe('SASL on the Kafka listener over TLS', () => {
  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN']) {
    it(`kcat produces and consumes with SASL_SSL and ${mechanism}`, async () => {
      const topic = `kcat-${mechanism.toLowerCase()}`;
      const produced = await run('kcat', [...kcatSasl(mechanism, 'alice', PASSWORD), '-P', '-t', topic], { stdin: 'a\nb\nc\n', timeoutMs: 30_000 });
      expect(produced.code, produced.stderr).toBe(0);
      const consumed = await run('kcat', [...kcatSasl(mechanism, 'alice', PASSWORD), '-C', '-t', topic, '-e', '-f', '%s\n'], { timeoutMs: 30_000 });
      expect(consumed.code, consumed.stderr).toBe(0);
      expect(consumed.stdout).toBe('a\nb\nc\n');
    });
  }

  for (const mechanism of ['SCRAM-SHA-256', 'PLAIN']) {
    it(`kafka-python produces and consumes with SASL_SSL and ${mechanism} (bare tokens after SaslHandshake v0)`, async () => {
      const topic = `python-${mechanism.toLowerCase()}`;
      const result = await runPython(PY_ROUND_TRIP, [bootstrap(broker), topic, saslSettings(mechanism, 'alice', PASSWORD)], 60_000);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.trim()).toBe('py-0,py-1,py-2');
    });
  }

  it('kafkajs produces and consumes with scram-sha-256 over TLS', async () => {
    const kafka = new Kafka({
      clientId: 'kafkajs-sasl', brokers: [bootstrap(broker)], logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100 },
      ssl: { ca: [certs.ca.cert] }, sasl: { mechanism: 'scram-sha-256', username: 'alice', password: PASSWORD },
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'kafkajs-scram', messages: [{ value: 'j-0' }, { value: 'j-1' }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'kafkajs-scram-group' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'kafkajs-scram', fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer.run({ eachMessage: async ({ message }) => {
        seen.push(message.value!.toString());
        if (seen.length === 2) resolve();
      } }).catch(reject);
    });
    await consumer.disconnect();
    expect(seen).toEqual(['j-0', 'j-1']);
  });

  it('refuses a wrong password and an unknown user with SASL_AUTHENTICATION_FAILED, logs them, and lets nothing through', async () => {
    for (const [mechanism, user, password] of [['SCRAM-SHA-256', 'alice', WRONG], ['SCRAM-SHA-512', 'mallory', WRONG], ['PLAIN', 'alice', WRONG]]) {
      const refused = await run('kcat', [...kcatSasl(mechanism, user, password), '-P', '-t', 'must-not-exist'], { stdin: 'x\n', timeoutMs: 30_000 });
      expect(refused.code, `${mechanism} ${user}`).not.toBe(0);
      expect(refused.stderr).toMatch(/authentication failed: unknown user or wrong password/i);
    }
    const kafka = new Kafka({
      clientId: 'kafkajs-wrong', brokers: [bootstrap(broker)], logLevel: logLevel.NOTHING, retry: { retries: 0 },
      ssl: { ca: [certs.ca.cert] }, sasl: { mechanism: 'scram-sha-256', username: 'alice', password: WRONG },
    });
    const producer = kafka.producer();
    await expect(producer.connect()).rejects.toThrow(/SASL SCRAM SHA256 authentication failed.*unknown user or wrong password/);
    await producer.disconnect();
    const python = await runPython(PY_ROUND_TRIP, [bootstrap(broker), 'must-not-exist', saslSettings('SCRAM-SHA-256', 'alice', WRONG)], 60_000);
    expect(python.code).not.toBe(0);
    expect(python.stderr).toMatch(/Authentication|NoBrokersAvailable|KafkaConnectionError/);

    expect(broker.store.listTopics()).not.toContain('must-not-exist');
    const failures = lines.filter((l) => l.msg === 'kafka authentication failed');
    expect(failures.map((l) => [l.user, l.mechanism])).toEqual(expect.arrayContaining([
      ['alice', 'SCRAM-SHA-256'], ['mallory', 'SCRAM-SHA-512'], ['alice', 'PLAIN'],
    ]));
    expect(failures.every((l) => typeof l.remote === 'string')).toBe(true);
    expect(JSON.stringify(lines)).not.toContain(WRONG);
    expect(JSON.stringify(lines)).not.toContain(PASSWORD);
  });

  it('closes the connection of a client without SASL, with a logged reason', async () => {
    const listed = await run('kcat', ['-b', bootstrap(broker), '-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${certs.ca.certFile}`, '-L', '-m', '5'],
      { timeoutMs: 30_000 });
    expect(listed.code).not.toBe(0);
    expect(lines.some((l) => /request before SASL authentication/.test(l.msg))).toBe(true);
  });
});

describe('ACLs for a user logged in over SASL', () => {
  it('refuses bob, who has no ACL; once the topic exists and he is granted write and read, his kcat produce and consume work', async () => {
    const topic = 'sasl-acl';
    const refused = await run('kcat', [...kcatSasl('SCRAM-SHA-256', 'bob', PASSWORD), '-P', '-t', topic], { stdin: 'no\n', timeoutMs: 30_000 });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/authoriz/i);

    // alice (a super user) creates the topic and grants bob write and read on it, through the native admin API over TLS.
    const admin = createClient({
      brokers: [`127.0.0.1:${broker.port}`], tls: { ca: certs.ca.cert },
      sasl: { mechanism: 'scram-sha-256', username: 'alice', password: PASSWORD },
    });
    try {
      await admin.admin().createTopic(topic);
      for (const operation of ['write', 'read'] as const) {
        await admin.admin().addAcl({ principal: 'User:bob', operation, resourceType: 'topic', resourceName: topic, prefix: false, allow: true });
      }
    } finally {
      await admin.close();
    }
    const produced = await run('kcat', [...kcatSasl('SCRAM-SHA-256', 'bob', PASSWORD), '-P', '-t', topic], { stdin: 'yes\n', timeoutMs: 30_000 });
    expect(produced.code, produced.stderr).toBe(0);
    const consumed = await run('kcat', [...kcatSasl('SCRAM-SHA-256', 'bob', PASSWORD), '-C', '-t', topic, '-e', '-f', '%s\n'], { timeoutMs: 30_000 });
    expect(consumed.stdout).toBe('yes\n');
  });
});
