// ACLs on the Kafka listener with a real client: kcat over mTLS (client certificate CN alice) on a broker that
// authorizes without users (--authorize). With no ACL for its CN, kcat cannot produce.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, missingTool, removeTempDirs, run, startKafkaBroker, type KafkaBroker } from '../kafka/kafka-fixture.js';
import { makeCertificates, type TestCertificates } from './certificates.js';

const missing = missingTool('kcat');
let certs: TestCertificates;
let broker: KafkaBroker;
beforeAll(async () => {
  if (missing) return;
  certs = makeCertificates();
  broker = await startKafkaBroker({ tls: { cert: certs.server.cert, key: certs.server.key, ca: certs.ca.cert }, authorize: true });
});
afterAll(async () => {
  await broker?.close();
  certs?.remove();
  removeTempDirs();
});

describe.skipIf(missing !== null)('ACLs on the Kafka listener, kcat with a client certificate', () => {
  const kcat = (args: string[], stdin?: string) => run('kcat', ['-b', bootstrap(broker),
    '-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${certs.ca.certFile}`,
    '-X', `ssl.certificate.location=${certs.client.certFile}`, '-X', `ssl.key.location=${certs.client.keyFile}`,
    '-X', 'message.timeout.ms=5000', ...args], { stdin, timeoutMs: 30_000 });

  it('cannot produce to a topic its CN has no ACL for', async () => {
    await broker.store.createTopic('guarded', { partitions: 1 });
    const refused = await kcat(['-P', '-t', 'guarded'], 'nope\n');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/authoriz/i);
    expect(broker.store.describeTopic('guarded').partitions[0].logEndOffset).toBe(0);
  });
});
