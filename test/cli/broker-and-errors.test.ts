import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
async function startBrokerCommand(dataDir: string, extra: string[] = [], port = '0'): Promise<{ child: ChildProcess; address: string; exited: Promise<number | null>; log: string }> {
  assertBuilt();
  const child = spawnKlog(['broker', '--data-dir', dataDir, '--port', port, ...extra]);
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
    expect(locked.stderr).toMatch(/is in use by process \d+; stop that process or use another directory\n$/); // one hint, not two

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

describe('klog broker --no-auto-create-topics', () => {
  it('makes writing to an unknown topic an error; a created topic takes records', async () => {
    const dataDir = tempDir('klog-cli-broker-');
    dirs.push(dataDir);
    const b = await startBrokerCommand(dataDir, ['--no-auto-create-topics']);
    const refused = await runKlog(['produce', 'absent', 'x'], { broker: b.address });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/absent/);
    expect((await runKlog(['topic', 'list'], { broker: b.address })).stdout.toString()).toBe('');
    expect((await runKlog(['topic', 'create', 'present'], { broker: b.address })).code).toBe(0);
    expect((await runKlog(['produce', 'present', 'x'], { broker: b.address })).code).toBe(0);
    b.child.kill('SIGINT');
    expect(await b.exited).toBe(0);
  });
});

describe('klog broker refuses a bad setup in one line, before starting', () => {
  it('a port that is not a number, a data dir that is a file or cannot be created, one port for both listeners, a compaction size that is not a size', async () => {
    const dir = tempDir('klog-cli-broker-');
    dirs.push(dir);
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const cases: [string[], string][] = [
      [['broker', '--data-dir', dir, '--port', 'abc'], 'klog: --port must be a whole number (0 or more), got "abc" (see: klog broker --help)'],
      [['broker', '--data-dir', file, '--port', '0'], `klog: --data-dir ${file}: ${file} is a file, not a directory; choose another --data-dir (see: klog broker --help)`],
      [['broker', '--data-dir', '/proc/klog-data', '--port', '0'], 'klog: --data-dir /proc/klog-data: cannot create /proc/klog-data (that file system does not allow it); choose another --data-dir (see: klog broker --help)'],
      [['broker', '--data-dir', dir, '--port', '7999', '--kafka-port', '7999'], 'klog: --port and --kafka-port are both 7999: the two listeners need a port each; choose another --kafka-port (see: klog broker --help)'],
      [['broker', '--data-dir', dir, '--port', '0', '--compaction-key-map', '12x'], 'klog: --compaction-key-map must be a positive size like 1048576, 512KiB, 64MiB or 1GiB, got "12x" (see: klog broker --help)'],
      [['broker', '--data-dir', dir, '--port', '0', '--compaction-bytes-per-second', '0'], 'klog: --compaction-bytes-per-second must be a positive size like 1048576, 512KiB, 64MiB or 1GiB, got "0" (see: klog broker --help)'],
    ];
    for (const [args, line] of cases) {
      const r = await runKlog(args);
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toEqual([line]);
    }
  });

  it('a Kafka port in use names --kafka-port', async () => {
    const dataDir = tempDir('klog-cli-broker-');
    dirs.push(dataDir);
    const first = await startBrokerCommand(dataDir);
    const port = first.address.split(':')[1];
    const other = tempDir('klog-cli-broker-');
    dirs.push(other);
    const r = await runKlog(['broker', '--data-dir', other, '--port', '0', '--kafka-port', port]);
    expect(r.code).toBe(1);
    expect(lines(r.stderr).filter((l) => l.startsWith('klog:'))).toEqual([
      `klog: 127.0.0.1:${port} is already in use — is another broker running? Stop it or choose another --kafka-port`,
    ]);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
  });
});

describe('a broker that goes away, or the wrong port', () => {
  it('pointing klog at the Kafka listener says that is what it is', async () => {
    const dataDir = tempDir('klog-cli-broker-');
    dirs.push(dataDir);
    const b = await startBrokerCommand(dataDir, ['--kafka-port', '0']);
    const kafkaPort = lines(b.log).map((l) => JSON.parse(l)).find((e) => e.msg === 'broker listening').kafkaPort;
    const r = await runKlog(['topic', 'list', '--broker', `127.0.0.1:${kafkaPort}`]);
    b.child.kill('SIGINT');
    await b.exited;
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([`klog: 127.0.0.1:${kafkaPort} is a Kafka listener, not klog's native port: give --broker the broker's --port (7420 unless set), and the Kafka port to Kafka clients (see: klog topic list --help)`]);
  });

  it('a following group consumer says it is reconnecting while the broker is down, then goes on without commit errors', async () => {
    const dataDir = tempDir('klog-cli-broker-');
    dirs.push(dataDir);
    const first = await startBrokerCommand(dataDir);
    expect((await runKlog(['produce', 'outage', 'before'], { broker: first.address })).code).toBe(0);
    const consumer = spawnKlog(['consume', 'outage', '--group', 'g-outage'], { broker: first.address });
    children.push(consumer);
    const consumerExited = new Promise<number | null>((resolve) => consumer.on('close', resolve));
    let stderr = '';
    let stdout = '';
    consumer.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    consumer.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    const until = async (done: () => boolean) => {
      while (!done() && consumer.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    };
    await until(() => stdout.includes('before\n'));

    first.child.kill('SIGINT');
    await first.exited;
    await until(() => /reconnecting/.test(stderr));

    const port = first.address.split(':')[1];
    const second = await startBrokerCommand(dataDir, [], port); // the same port: the consumer knows only that one
    // The restarted coordinator knows no members: wait until ours has joined again (the path that once committed
    // with an empty member id).
    const members = async () => JSON.parse((await runKlog(['group', 'describe', 'g-outage', '--json'], { broker: second.address })).stdout.toString() || '{}').members?.length ?? 0;
    while (await members() === 0) await new Promise((r) => setTimeout(r, 200));
    expect((await runKlog(['produce', 'outage', 'after'], { broker: second.address })).code).toBe(0);
    await until(() => stdout.includes('after\n'));
    consumer.kill('SIGINT');
    expect(await consumerExited).toBe(0);
    second.child.kill('SIGINT');
    await second.exited;
    expect(lines(stderr)[0]).toMatch(/^klog: broker unreachable \(.+\); reconnecting until it is back$/);
    expect(lines(stderr).filter((l) => /unreachable/.test(l))).toHaveLength(1); // one notice per outage, not one per retry
    expect(stderr).not.toMatch(/member ""|commit failed/);
  });
});

describe('klog consume --queue across a broker restart', () => {
  it('a following queue consumer says once that the broker is unreachable, then prints what comes after', async () => {
    const dataDir = tempDir('klog-cli-broker-');
    dirs.push(dataDir);
    const first = await startBrokerCommand(dataDir);
    expect((await runKlog(['queue', 'create', 'q-outage', '--topic', 'q-outage'], { broker: first.address })).code).toBe(0);
    const consumer = spawnKlog(['consume', 'q-outage', '--queue', 'q-outage'], { broker: first.address });
    children.push(consumer);
    const consumerExited = new Promise<number | null>((resolve) => consumer.on('close', resolve));
    let stderr = '';
    let stdout = '';
    consumer.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    consumer.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    const until = async (done: () => boolean) => {
      while (!done() && consumer.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    };
    expect((await runKlog(['produce', 'q-outage', 'before'], { broker: first.address })).code).toBe(0);
    await until(() => stdout.includes('before\n'));

    first.child.kill('SIGINT');
    await first.exited;
    await until(() => /unreachable/.test(stderr));
    const second = await startBrokerCommand(dataDir, [], first.address.split(':')[1]);
    expect((await runKlog(['produce', 'q-outage', 'after'], { broker: second.address })).code).toBe(0);
    await until(() => stdout.includes('after\n'));
    consumer.kill('SIGINT');
    expect(await consumerExited).toBe(0);
    second.child.kill('SIGINT');
    await second.exited;
    expect(stdout).toBe('before\nafter\n');
    expect(lines(stderr).filter((l) => /unreachable/.test(l))).toHaveLength(1); // one notice per outage, not one per retry
  });
});

describe('hints name what was typed', () => {
  it('an unknown group: the problem and one hint, no request names', async () => {
    const dataDir = tempDir('klog-cli-broker-');
    dirs.push(dataDir);
    const b = await startBrokerCommand(dataDir);
    const r = await runKlog(['group', 'describe', 'nosuch-group'], { broker: b.address });
    const topic = await runKlog(['topic', 'create', 'twice'], { broker: b.address });
    const again = await runKlog(['topic', 'create', 'twice'], { broker: b.address });
    const partitions = await runKlog(['topic', 'create', 'p', '--partitions', 'abc'], { broker: b.address });
    b.child.kill('SIGINT');
    await b.exited;
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual(['klog: group nosuch-group does not exist (list groups with: klog group list)']);
    expect(topic.code).toBe(0);
    expect(lines(again.stderr)).toEqual(['klog: topic twice already exists (see it with: klog topic describe twice)']);
    expect(lines(partitions.stderr)).toEqual(['klog: --partitions must be a whole number of at least 1, got "abc" (see: klog topic create --help)']);
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

  it('broker --help does not offer --broker; client commands do', async () => {
    expect((await runKlog(['broker', '--help'])).stdout.toString()).not.toContain('--broker');
    expect((await runKlog(['produce', '--help'])).stdout.toString()).toContain('--broker');
  });

  it('every positional argument of every command says what it is', async () => {
    for (const cmd of [['produce'], ['consume'], ['topic', 'create'], ['topic', 'describe'], ['topic', 'delete'],
      ['group', 'describe'], ['group', 'reset-offsets'], ['group', 'delete']]) {
      const help = (await runKlog([...cmd, '--help'])).stdout.toString();
      const positionals = (help.split('\nPositionals:\n')[1] ?? '').split('\n\n')[0].split('\n').filter((l) => l.trim());
      expect(positionals.length, cmd.join(' ')).toBeGreaterThan(0);
      for (const line of positionals) expect(line, cmd.join(' ')).toMatch(/^\s+\S+\s{2,}[A-Z][^[]+\[/);
    }
  });

  it('an unknown option is one line and exit 1', async () => {
    const r = await runKlog(['consume', 'x', '--frm-beginning']);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual(['klog: Unknown argument: frm-beginning (see: klog consume --help)']);
  });
});
