// The klog command over TLS, every process real: `klog broker --tls-cert --tls-key [--tls-ca]`, and client
// commands with --tls-ca (and --tls-cert/--tls-key for mTLS) or the KLOG_TLS_* environment; a plaintext client
// and a client without the CA each get one line saying what to do.
import { beforeEach, describe, expect, it } from 'vitest';
import type { TestCertificates } from '../security/certificates.js';
import { useCliBrokers, type CliBroker } from './cli-broker-fixture.js';
import { runKlog } from './klog-harness.js';

const fixture = useCliBrokers();
let certs: TestCertificates;
beforeEach(() => { certs = fixture.certs(); });

function tlsBroker(extra: string[] = [], dataDir = fixture.dataDir('klog-cli-tls-')): Promise<CliBroker> {
  return fixture.broker(dataDir, ['--tls-cert', certs.server.certFile, '--tls-key', certs.server.keyFile, ...extra]);
}

describe('klog over TLS', () => {
  it('produces and consumes with --tls-ca, or with KLOG_TLS_CA in the environment', async () => {
    const b = await tlsBroker();
    const produced = await runKlog(['produce', 'secure', 'hello', '--tls-ca', certs.ca.certFile], { broker: b.address });
    expect(produced.code, produced.stderr).toBe(0);
    const consumed = await runKlog(['consume', 'secure', '--from-beginning', '-e'], { broker: b.address, env: { KLOG_TLS_CA: certs.ca.certFile } });
    expect(consumed.stderr).toBe('');
    expect(consumed.stdout.toString()).toBe('hello\n');

    const plain = await runKlog(['topic', 'list'], { broker: b.address });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/speaks TLS.*--tls/);
    const untrusted = await runKlog(['topic', 'list', '--tls'], { broker: b.address });
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/TLS.*--tls-ca/);
    expect(untrusted.stderr.trim().split('\n')).toHaveLength(1);

    b.child.kill('SIGINT');
    expect(await b.exited).toBe(0);
  });

  it('with a user: the README\'s three commands (user add, broker with TLS and a super user, a client over TLS with SCRAM)', async () => {
    const dataDir = fixture.dataDir('klog-cli-tls-users-');
    const added = await runKlog(['user', 'add', 'alice', '--password-stdin', '--data-dir', dataDir], { input: 'correct horse battery\n' });
    expect(added.code, added.stderr).toBe(0);
    // As in the README, but on loopback: tests never listen beyond it.
    const b = await tlsBroker(['--host', '127.0.0.1', '--super-user', 'alice'], dataDir);
    const env = { KLOG_PASSWORD: 'correct horse battery' };
    const created = await runKlog(['topic', 'create', 'vault', '--tls-ca', certs.ca.certFile, '--user', 'alice'], { broker: b.address, env });
    expect(created.code, created.stderr).toBe(0);
    const listed = await runKlog(['topic', 'list', '--tls-ca', certs.ca.certFile, '--user', 'alice'], { broker: b.address, env });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.toString()).toMatch(/vault/);
    const anonymous = await runKlog(['topic', 'list', '--tls-ca', certs.ca.certFile], { broker: b.address });
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr.trim().split('\n')).toHaveLength(1);
    const wrong = await runKlog(['topic', 'list', '--tls-ca', certs.ca.certFile, '--user', 'alice'], { broker: b.address, env: { KLOG_PASSWORD: 'wrong' } });
    expect(wrong.code).toBe(1);
    b.child.kill('SIGINT');
    expect(await b.exited).toBe(0);
  });

  it('with --tls-ca on the broker, lets in a client with --tls-cert/--tls-key and refuses one without', async () => {
    const b = await tlsBroker(['--tls-ca', certs.ca.certFile]);
    const mutual = ['--tls-ca', certs.ca.certFile, '--tls-cert', certs.client.certFile, '--tls-key', certs.client.keyFile];
    const ok = await runKlog(['topic', 'create', 'mutual', ...mutual], { broker: b.address });
    expect(ok.code, ok.stderr).toBe(0);
    const refused = await runKlog(['topic', 'list', '--tls-ca', certs.ca.certFile], { broker: b.address });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--tls-cert/);
    b.child.kill('SIGINT');
    expect(await b.exited).toBe(0);
  });

  it('refuses half a key pair and unreadable files, naming the flag', async () => {
    const half = await runKlog(['broker', '--port', '0', '--tls-cert', certs.server.certFile]);
    expect(half.code).toBe(1);
    expect(half.stderr).toMatch(/--tls-cert and --tls-key go together/);
    const missing = await runKlog(['topic', 'list', '--tls-ca', '/nonexistent/ca.pem']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--tls-ca \/nonexistent\/ca.pem: cannot read it/);
  });
});
