import { rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt, closedPort, lines, runKlog, spawnKlog, tempDir, waitForText } from './klog-harness.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); // only our own children
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** `klog broker --port 0`: resolves once it listens, with the port it logged (JSON logs, as stderr is a pipe). */
async function startBrokerCommand(dataDir: string, extra: string[] = []): Promise<{ child: ChildProcess; address: string; exited: Promise<number | null>; log: string }> {
  assertBuilt();
  const child = spawnKlog(['broker', '--data-dir', dataDir, '--port', '0', ...extra]);
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const log = await waitForText(child.stderr!, (t) => t.includes('broker listening'));
  const listening = lines(log).map((l) => JSON.parse(l)).find((e) => e.msg === 'broker listening');
  return { child, address: `127.0.0.1:${listening.port}`, exited, log };
}

describe('klog broker', () => {
  it('serves until SIGINT, exits 0, and a restart on the same directory has the data', async () => {
    const dataDir = tempDir('klog-cli-broker-');
    dirs.push(dataDir);
    const first = await startBrokerCommand(dataDir);
    expect((await runKlog(['produce', 'kept', 'survives'], { broker: first.address })).code).toBe(0);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);

    const second = await startBrokerCommand(dataDir);
    const c = await runKlog(['consume', 'kept', '--from-beginning', '-e'], { broker: second.address });
    expect(c.stdout.toString()).toBe('survives\n');

    // The directory is taken: a second broker on it says so in one line and exits 1.
    const locked = await runKlog(['broker', '--data-dir', dataDir, '--port', '0']);
    expect(locked.code).toBe(1);
    expect(lines(locked.stderr).filter((l) => l.startsWith('klog:'))).toHaveLength(1);
    expect(locked.stderr).toMatch(/another broker is using this data directory/);

    // The port is taken: likewise.
    const otherDir = tempDir('klog-cli-broker-');
    dirs.push(otherDir);
    const port = second.address.split(':')[1];
    const busy = await runKlog(['broker', '--data-dir', otherDir, '--port', port]);
    expect(busy.code).toBe(1);
    expect(lines(busy.stderr).filter((l) => l.startsWith('klog:'))).toEqual([
      `klog: 127.0.0.1:${port} is already in use — is another broker running? Stop it or choose another --port`,
    ]);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});

describe('klog broker --kafka-port', () => {
  it('also serves Kafka clients: a kafkajs producer writes what klog consume reads', async () => {
    const dataDir = tempDir('klog-cli-broker-');
    dirs.push(dataDir);
    const b = await startBrokerCommand(dataDir, ['--kafka-port', '0']);
    const kafka = { port: lines(b.log).map((l) => JSON.parse(l)).find((e) => e.msg === 'broker listening').kafkaPort };
    expect(kafka.port).toBeGreaterThan(0);
    const { Kafka, logLevel } = await import('kafkajs');
    const producer = new Kafka({ brokers: [`127.0.0.1:${kafka.port}`], clientId: 'cli-test', logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({ topic: 'from-kafka', messages: [{ value: 'hello from kafkajs' }] });
    await producer.disconnect();
    const c = await runKlog(['consume', 'from-kafka', '--from-beginning', '-e'], { broker: b.address });
    expect(c.stdout.toString()).toBe('hello from kafkajs\n');
    b.child.kill('SIGINT');
    expect(await b.exited).toBe(0);
  });
});

describe('no broker running', () => {
  for (const args of [['produce', 'notification', 'hello'], ['consume', 'notification'], ['topic', 'list'], ['group', 'list']]) {
    it(`klog ${args.join(' ')}: one line naming the address and how to start one, exit 1`, async () => {
      const address = `127.0.0.1:${await closedPort()}`;
      const r = await runKlog([...args, '--broker', address]);
      expect(r.code).toBe(1);
      expect(r.stdout.length).toBe(0);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toContain(address);
      expect(r.stderr).toContain('klog broker');
    });
  }

  it('takes the address from KLOG_BROKER when --broker is not given', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const r = await runKlog(['topic', 'list'], { env: { KLOG_BROKER: address } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(address);
  });
});

describe('help and version', () => {
  it('--version prints the package version', async () => {
    const r = await runKlog(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe('0.1.0\n');
  });

  it('--help lists the commands, and each command has examples', async () => {
    const top = await runKlog(['--help']);
    expect(top.code).toBe(0);
    for (const cmd of ['broker', 'produce', 'consume', 'topic', 'group']) expect(top.stdout.toString()).toMatch(new RegExp(`klog ${cmd}`));
    for (const cmd of [['produce'], ['consume'], ['topic', 'create'], ['group', 'reset-offsets']]) {
      const r = await runKlog([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout.toString()).toContain('Examples:');
    }
  });

  it('an unknown option is one line and exit 1', async () => {
    const r = await runKlog(['consume', 'x', '--frm-beginning']);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual(['klog: Unknown argument: frm-beginning (see: klog --help, or klog <command> --help)']);
  });
});
