import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KLOG_BIN, runKlog, startTestBroker, tempDir, waitForText, type TestBroker } from './klog-harness.js';

/** util-linux `script` runs a command on a pseudo-terminal: stdin, stdout and stderr are then a terminal, as for a person. */
const hasScript = spawnSync('script', ['--version']).status === 0;

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

/** `klog <args>` on a pseudo-terminal; its screen (stdout and stderr together) comes out of the child's stdout. */
function onTerminal(args: string[], env: NodeJS.ProcessEnv = {}) {
  // `script` runs the command through $SHELL; `exec` makes klog the only process on the terminal, so Ctrl-C reaches
  // klog alone (dash, the shell when SHELL is unset, would die of the SIGINT itself and report 130).
  const command = ['exec', ...[process.execPath, KLOG_BIN, ...args].map((a) => `"${a}"`)].join(' ');
  return spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
    env: { ...process.env, KLOG_DEBUG: '', TERM: 'dumb', SHELL: '/bin/sh', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

describe.skipIf(!hasScript)('klog broker on a terminal', () => {
  it('logs lines that carry the date as well as the time', async () => {
    const dataDir = tempDir('klog-cli-tty-');
    const child = onTerminal(['broker', '--data-dir', dataDir, '--port', '0']);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const screen = await waitForText(child.stdout!, (t) => t.includes('broker listening'));
    child.stdin!.write('\x03');
    expect(await exited).toBe(0);
    rmSync(dataDir, { recursive: true, force: true });
    const line = screen.split('\n').find((l) => l.includes('broker listening'))!;
    expect(line).toMatch(/\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\]/);
  });
});

describe.skipIf(!hasScript)('klog produce typed at a terminal', () => {
  it('acknowledges each line as it is entered, draws no progress line, and Ctrl-C exits 0 with what was entered sent', async () => {
    const child = onTerminal(['produce', 'typed'], { KLOG_BROKER: tb.address });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let screen = '';
    child.stdout!.on('data', (c: Buffer) => (screen += c.toString()));
    child.stdin!.write('one\r');
    await waitForText(child.stdout!, (t) => t.includes('typed/0@0'));
    child.stdin!.write('two\r');
    await waitForText(child.stdout!, (t) => t.includes('typed/0@1'));
    child.stdin!.write('\x03'); // Ctrl-C: the terminal sends SIGINT to klog
    expect(await exited).toBe(0);
    expect(screen).not.toMatch(/produced/);
    const c = await runKlog(['consume', 'typed', '--from-beginning', '-e'], { broker: tb.address });
    expect(c.stdout.toString()).toBe('one\ntwo\n');
  });
});

describe.skipIf(!hasScript)('klog user add at a terminal', () => {
  it('asks for the password without echoing it, and Ctrl-C at the prompt gives up', async () => {
    const dataDir = tempDir('klog-cli-tty-users-');
    try {
      const child = onTerminal(['user', 'add', 'alice', '--data-dir', dataDir]);
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      let screen = '';
      child.stdout!.on('data', (c: Buffer) => (screen += c.toString()));
      await waitForText(child.stdout!, (t) => t.includes('password for alice: '));
      child.stdin!.write('typed-secret\r');
      expect(await exited).toBe(0);
      expect(screen).toContain('klog: created user alice');
      expect(screen).not.toContain('typed-secret');

      const quitter = onTerminal(['user', 'add', 'bob', '--data-dir', dataDir]);
      const quit = new Promise<number | null>((resolve) => quitter.on('close', resolve));
      await waitForText(quitter.stdout!, (t) => t.includes('password for bob: '));
      quitter.stdin!.write('half\x03');
      expect(await quit).toBe(1);
      const listed = await runKlog(['user', 'list', '--data-dir', dataDir]);
      expect(listed.stdout.toString()).not.toContain('bob');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
