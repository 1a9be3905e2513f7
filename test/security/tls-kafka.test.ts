// The Kafka listener over TLS, driven by real Kafka clients: kcat (librdkafka, security.protocol=ssl) and
// kafka-python (security_protocol='SSL'), with the broker's CA; with --tls-ca on the broker, kcat's client
// certificate is required, and one signed by another CA is refused.
import { createClient } from '@klog/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, missingTool, removeTempDirs, run, runPython, startKafkaBroker, type KafkaBroker } from '../kafka/kafka-fixture.js';
import { makeCertificates, type TestCertificates } from './certificates.js';
import { PY_ROUND_TRIP } from './python-round-trip.js';

let certs: TestCertificates;
beforeAll(() => {
  for (const tool of ['kcat', 'kafka-python'] as const) {
    const missing = missingTool(tool);
    if (missing) throw new Error(missing);
  }
  certs = makeCertificates();
});
afterAll(() => {
  certs?.remove();
  removeTempDirs();
});

describe('the Kafka listener over TLS', () => {
  let broker: KafkaBroker;
  beforeAll(async () => {
    broker = await startKafkaBroker({ tls: { cert: certs.server.cert, key: certs.server.key } });
  });
  afterAll(async () => broker?.close());

  const ssl = () => ['-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${certs.ca.certFile}`];

  it('kcat produces and consumes with security.protocol=ssl; records reach the native client over TLS', async () => {
    const produced = await run('kcat', ['-b', bootstrap(broker), ...ssl(), '-P', '-t', 'kcat-tls'], { stdin: 'a\nb\nc\n', timeoutMs: 30_000 });
    expect(produced.code, produced.stderr).toBe(0);
    const consumed = await run('kcat', ['-b', bootstrap(broker), ...ssl(), '-C', '-t', 'kcat-tls', '-e', '-f', '%s\n'], { timeoutMs: 30_000 });
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout).toBe('a\nb\nc\n');
    const client = createClient({ brokers: [`127.0.0.1:${broker.port}`], tls: { ca: certs.ca.cert } });
    try {
      const consumer = client.consumer({ fromBeginning: true, maxWaitMs: 100 });
      consumer.assign([{ topic: 'kcat-tls', partition: 0 }]);
      const [batch] = await consumer.poll();
      expect(batch.map((m) => m.value!.toString())).toEqual(['a', 'b', 'c']);
      await consumer.close();
    } finally {
      await client.close();
    }
  });

  it('kafka-python produces and consumes with security_protocol=SSL', async () => {
    const result = await runPython(PY_ROUND_TRIP, [bootstrap(broker), 'python-tls', JSON.stringify({ security_protocol: 'SSL', ssl_cafile: certs.ca.certFile })], 60_000);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('py-0,py-1,py-2');
  });

  it('kcat without TLS on the TLS port fails instead of hanging', async () => {
    const listed = await run('kcat', ['-b', bootstrap(broker), '-L', '-m', '5'], { timeoutMs: 30_000 });
    expect(listed.code).not.toBe(0);
  });
});

describe('the Kafka listener with client certificates required', () => {
  let broker: KafkaBroker;
  beforeAll(async () => {
    broker = await startKafkaBroker({ tls: { cert: certs.server.cert, key: certs.server.key, ca: certs.ca.cert } });
  });
  afterAll(async () => broker?.close());

  const kcatWith = (client: { certFile: string; keyFile: string }) => run('kcat', ['-b', bootstrap(broker),
    '-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${certs.ca.certFile}`,
    '-X', `ssl.certificate.location=${client.certFile}`, '-X', `ssl.key.location=${client.keyFile}`, '-L', '-J', '-m', '5'], { timeoutMs: 30_000 });

  it('lets kcat in with a certificate the CA signed, and refuses one another CA signed', async () => {
    const ok = await kcatWith(certs.client);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ brokers: [{ name: `127.0.0.1:${broker.kafkaPort}` }] });
    const refused = await kcatWith(certs.otherClient);
    expect(refused.code).not.toBe(0);
  });
});
