// `klog acl` and protected mode, every process real: users added to a stopped broker's directory, the broker
// started with a super user, who grants a reader ACL through the CLI; the reader's refusals are one line naming
// the principal, the operation and the resource. A broker without users refuses a non-loopback --host before it
// listens; with users it starts, and an anonymous client is refused.
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, lines, runKlog, spawnKlog, tempDir, waitForText } from './klog-harness.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];
beforeAll(assertBuilt);
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); // only our own children
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const PASSWORD = 'acl-test pa55word';

async function brokerOn(dataDir: string, extra: string[] = []): Promise<{ child: ChildProcess; address: string }> {
  const child = spawnKlog(['broker', '--data-dir', dataDir, '--port', '0', ...extra]);
  children.push(child);
  const log = await waitForText(child.stderr!, (t) => t.includes('broker listening'));
  const listening = lines(log).map((l) => JSON.parse(l)).find((e) => e.msg === 'broker listening');
  return { child, address: `127.0.0.1:${listening.port}` };
}

async function addUser(dataDir: string, user: string): Promise<void> {
  const added = await runKlog(['user', 'add', user, '--password-stdin', '--data-dir', dataDir], { input: `${PASSWORD}\n` });
  expect(added.code, added.stderr).toBe(0);
}

describe('klog acl', () => {
  it('a super user grants read on orders; the reader sees and reads only orders, and cannot write it', async () => {
    const dataDir = tempDir('klog-cli-acl-');
    dirs.push(dataDir);
    await addUser(dataDir, 'admin');
    await addUser(dataDir, 'alice');
    const b = await brokerOn(dataDir, ['--super-user', 'admin']);
    const as = (user: string) => ({ broker: b.address, env: { KLOG_PASSWORD: PASSWORD } , user });
    const klog = (user: string, args: string[], input?: string) => runKlog([...args, '--user', user], { ...as(user), input });

    for (const t of ['orders', 'payments']) expect((await klog('admin', ['produce', t, `${t}-1`])).code).toBe(0);
    const granted = await klog('admin', ['acl', 'add', '--allow', 'User:alice', '--operation', 'read', '--topic', 'orders']);
    expect(granted.code, granted.stderr).toBe(0);
    expect(granted.stderr).toBe('klog: added allow User:alice read on topic orders\n');
    expect((await klog('admin', ['acl', 'add', '--allow', 'alice', '--operation', 'read', '--group', 'orders-', '--prefix'])).code).toBe(0);
    const listed = await klog('admin', ['acl', 'list']);
    expect(listed.stdout.toString()).toMatch(/^PRINCIPAL +PERMISSION +OPERATION +RESOURCE +NAME +PATTERN\nUser:alice +allow +read +topic +orders +literal\nUser:alice +allow +read +group +orders- +prefix\n$/);

    const topics = await klog('alice', ['topic', 'list']);
    expect(topics.code, topics.stderr).toBe(0);
    expect(topics.stdout.toString()).toContain('orders');
    expect(topics.stdout.toString()).not.toContain('payments');
    const consumed = await klog('alice', ['consume', 'orders', '--group', 'orders-cli', '--count', '1']);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout.toString()).toContain('orders-1');

    const write = await klog('alice', ['produce', 'orders', 'nope']);
    expect(write.code).toBe(1);
    expect(write.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^klog: .*User:alice is not authorized to (write|describe) topic orders/)]);
    const other = await klog('alice', ['consume', 'payments', '--from-beginning', '--count', '1']);
    expect(other.code).toBe(1);
    // Listed by her rights, payments does not exist for alice: she may not even learn that it does.
    expect(other.stderr).toMatch(/User:alice is not authorized to (read|describe) topic payments|Unknown topic or partition: payments/);
    const alter = await klog('alice', ['acl', 'add', '--allow', 'alice', '--operation', 'all', '--cluster']);
    expect(alter.code).toBe(1);
    expect(alter.stderr).toMatch(/User:alice is not authorized to alter cluster kafka-cluster/);

    expect((await klog('admin', ['acl', 'remove', '--allow', 'User:alice', '--operation', 'read', '--topic', 'orders'])).code).toBe(0);
    expect((await klog('alice', ['topic', 'list'])).stdout.toString()).not.toContain('orders');
    const usage = await runKlog(['acl', 'add', '--operation', 'read', '--topic', 'orders'], { broker: b.address });
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/--allow PRINCIPAL or --deny PRINCIPAL/);
  });
});

describe('protected mode', () => {
  it('refuses --host 0.0.0.0 without users, before listening, saying how to add one', async () => {
    const dataDir = tempDir('klog-cli-protected-');
    dirs.push(dataDir);
    const refused = await runKlog(['broker', '--data-dir', dataDir, '--host', '0.0.0.0', '--port', '0']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`klog user add NAME --data-dir ${dataDir}`);
    expect(refused.stderr).toContain('--allow-anonymous');
    expect(refused.stderr).not.toContain('broker listening');
  });

  it('with users, starts (on loopback here) and refuses an anonymous client', async () => {
    const dataDir = tempDir('klog-cli-protected-users-');
    dirs.push(dataDir);
    await addUser(dataDir, 'admin');
    const b = await brokerOn(dataDir, ['--host', '127.0.0.1']);
    const anonymous = await runKlog(['topic', 'list'], { broker: b.address });
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/authenticate/);
  });
});
