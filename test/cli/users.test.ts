// `klog user` and `--user`, every process real: users added to a stopped broker's directory (password on stdin),
// refused while a broker holds it, then managed through the broker by an authenticated user; client commands
// authenticate with --user and KLOG_PASSWORD, over TLS too; a password is never taken from the command line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TestCertificates } from '../security/certificates.js';
import { useCliBrokers } from './cli-broker-fixture.js';
import { runKlog } from './klog-harness.js';

const fixture = useCliBrokers();
let certs: TestCertificates;
beforeEach(() => { certs = fixture.certs(); });
const brokerOn = fixture.broker;

const ALICE = 'alice-pa55 word';

describe('klog user', () => {
  it('adds users to a stopped broker\'s directory, then requires them, and manages them through the broker', async () => {
    const dataDir = fixture.dataDir('klog-cli-users-');
    const added = await runKlog(['user', 'add', 'alice', '--password-stdin', '--data-dir', dataDir], { input: `${ALICE}\n` });
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toBe('klog: created user alice\n');
    expect(readFileSync(join(dataDir, 'users.json'), 'utf8')).not.toContain(ALICE);
    const listed = await runKlog(['user', 'list', '--data-dir', dataDir]);
    expect(listed.stdout.toString()).toMatch(/^USER +MECHANISMS\nalice +SCRAM-SHA-256,SCRAM-SHA-512\n$/);

    const b = await brokerOn(dataDir, ['--tls-cert', certs.server.certFile, '--tls-key', certs.server.keyFile, '--super-user', 'alice', '--super-user', 'bob']);
    const tls = ['--tls-ca', certs.ca.certFile];
    const locked = await runKlog(['user', 'list', '--data-dir', dataDir]);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/a broker is running on --data-dir .*--broker/);

    const anonymous = await runKlog(['topic', 'list', ...tls], { broker: b.address });
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/authenticate.*--user/);
    const wrong = await runKlog(['topic', 'list', ...tls, '--user', 'alice'], { broker: b.address, env: { KLOG_PASSWORD: 'nope' } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^klog: .*refused alice.*unknown user or wrong password/)]);

    const asAlice = { broker: b.address, env: { KLOG_PASSWORD: ALICE } };
    const produced = await runKlog(['produce', 'private', 'hello', ...tls, '--user', 'alice', '--sasl-mechanism', 'scram-sha-512'], asAlice);
    expect(produced.code, produced.stderr).toBe(0);
    const bob = await runKlog(['user', 'add', 'bob', '--password-stdin', ...tls, '--user', 'alice'], { ...asAlice, input: 'bob-pw\n' });
    expect(bob.code, bob.stderr).toBe(0);
    const viaBroker = await runKlog(['user', 'list', '--json', ...tls], { broker: b.address, env: { KLOG_USER: 'bob', KLOG_PASSWORD: 'bob-pw' } });
    expect(viaBroker.code, viaBroker.stderr).toBe(0);
    expect(JSON.parse(viaBroker.stdout.toString()).map((u: { user: string }) => u.user)).toEqual(['alice', 'bob']);
    const removed = await runKlog(['user', 'remove', 'bob', ...tls, '--user', 'alice'], asAlice);
    expect(removed.code, removed.stderr).toBe(0);

    b.child.kill('SIGINT');
    expect(await b.exited).toBe(0);
    const after = await runKlog(['user', 'list', '--data-dir', dataDir]);
    expect(after.stdout.toString()).not.toContain('bob');
  });

  it('asks for a password only on a terminal, never from argv, and refuses an empty one', async () => {
    const dataDir = fixture.dataDir('klog-cli-users-');
    const noTty = await runKlog(['user', 'add', 'carol', '--data-dir', dataDir]);
    expect(noTty.code).toBe(1);
    expect(noTty.stderr).toMatch(/--password-stdin/);
    const empty = await runKlog(['user', 'add', 'carol', '--password-stdin', '--data-dir', dataDir], { input: '\n' });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/empty password/);
    const argv = await runKlog(['user', 'add', 'carol', '--password', 'x', '--data-dir', dataDir]);
    expect(argv.code).toBe(1);
    const missing = await runKlog(['user', 'remove', 'nobody', '--data-dir', dataDir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no user "nobody".*klog user list/);
  });
});
