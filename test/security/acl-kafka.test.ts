// ACLs on the Kafka listener with a real client: kcat over mTLS (client certificate CN alice) on a broker that
// authorizes without users (--authorize). With no ACL for its CN, kcat cannot produce; a topic that does not exist
// yet is created for it (auto-creation) only where it may create topics, as in Kafka.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, missingTool, removeTempDirs, run, startKafkaBroker, type KafkaBroker } from '../kafka/kafka-fixture.js';
import { makeCertificates, type TestCertificates } from './certificates.js';

const missing = missingTool('kcat');
let certs: TestCertificates;
let broker: KafkaBroker;
const aliceAcl = (operation: string, resourceName: string, prefix: boolean) =>
  ({ principal: 'User:alice', operation, resourceType: 'topic', resourceName, prefix, allow: true });
beforeAll(async () => {
  if (missing) return;
  certs = makeCertificates();
  // The ACLs as a stopped broker keeps them (acls.json): alice may write to and create topics named made.*, and
  // may write to (but not create) write-only.*.
  const dataDir = mkdtempSync(join(tmpdir(), 'klog-acl-kafka-'));
  writeFileSync(join(dataDir, 'acls.json'), JSON.stringify({ version: 1, acls: [
    aliceAcl('write', 'made.', true), aliceAcl('create', 'made.', true), aliceAcl('describe', 'made.', true),
    aliceAcl('write', 'write-only.', true), aliceAcl('describe', 'write-only.', true),
  ] }));
  broker = await startKafkaBroker({ dataDir, tls: { cert: certs.server.cert, key: certs.server.key, ca: certs.ca.cert }, authorize: true });
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

  it('auto-creates a missing topic for a principal with create on that topic (a prefixed ACL), not only on the cluster', async () => {
    const made = await kcat(['-P', '-t', 'made.here'], 'one\n');
    expect(made.code, made.stderr).toBe(0);
    expect(broker.store.listTopics()).toContain('made.here');
    expect(broker.store.describeTopic('made.here').partitions[0].logEndOffset).toBe(1);
  });

  it('does not create a missing topic for a principal that may write to it but not create it', async () => {
    const refused = await kcat(['-P', '-t', 'write-only.new'], 'lost?\n');
    expect(refused.code).not.toBe(0);
    expect(broker.store.listTopics()).not.toContain('write-only.new');
  });
});
