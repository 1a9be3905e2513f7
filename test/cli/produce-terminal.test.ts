import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KLOG_BIN, runKlog, startTestBroker, waitForText, type TestBroker } from './klog-harness.js';

/** util-linux `script` runs a command on a pseudo-terminal: stdin, stdout and stderr are then a terminal, as for a person. */
const hasScript = spawnSync('script', ['--version']).status === 0;

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

describe.skipIf(!hasScript)('klog produce typed at a terminal', () => {
  it('acknowledges each line as it is entered, draws no progress line, and Ctrl-C exits 0 with what was entered sent', async () => {
    const command = `"${process.execPath}" "${KLOG_BIN}" produce typed`;
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
      env: { ...process.env, KLOG_DEBUG: '', KLOG_BROKER: tb.address, TERM: 'dumb' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
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
