import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBroker, type Broker } from '../packages/broker/src/index.js';

/**
 * The README's JavaScript examples, run as written (the client example pointed at a test broker on a free port
 * instead of 7420). The shell examples are run by test/cli; `npm test` itself is what CI runs.
 */
const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

function jsBlockAfter(heading: string): string {
  const at = readme.indexOf(heading);
  expect(at, `README has a "${heading}" section`).toBeGreaterThanOrEqual(0);
  const m = /```js\n([\s\S]*?)```/.exec(readme.slice(at));
  expect(m, `a js example under "${heading}"`).not.toBeNull();
  return m![1];
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

/** Runs a script (placed in the repository, so that @klog/* resolve) in `cwd` until `until` shows on stdout. */
function runScript(code: string, cwd: string, until: string): Promise<string> {
  const file = join(root, 'test', `.readme-example-${process.pid}-${Date.now()}.mjs`);
  writeFileSync(file, code);
  cleanup.push(() => rmSync(file, { force: true }));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`example did not print ${until} in time; stdout: ${out}; stderr: ${err}`));
    }, 30_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes(until)) {
        clearTimeout(timer);
        child.kill('SIGTERM');
        resolve(out);
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!out.includes(until)) reject(new Error(`example exited with ${code}; stdout: ${out}; stderr: ${err}`));
    });
  });
}

describe('README examples', () => {
  it('the embedding example prints hello, and again on a second run over the same directory', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'klog-readme-'));
    cleanup.push(() => rmSync(cwd, { recursive: true, force: true }));
    const code = jsBlockAfter('## Embedding log-core');
    expect(await runScript(code, cwd, 'hello')).toBe('hello\n');
    expect(await runScript(code, cwd, 'hello')).toBe('hello\n');
  });

  it('the client example sends hello and its group consumer prints it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'klog-readme-broker-'));
    const broker: Broker = await startBroker({ dataDir, port: 0, logLevel: 'silent' });
    cleanup.push(async () => {
      await broker.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    const code = jsBlockAfter('## Client').replace("'127.0.0.1:7420'", `'127.0.0.1:${broker.port}'`);
    expect(await runScript(code, dataDir, 'hello')).toContain('hello');
  });

  it('the queue example creates a queue and its worker prints the record', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'klog-readme-broker-'));
    const broker: Broker = await startBroker({ dataDir, port: 0, logLevel: 'silent' });
    cleanup.push(async () => {
      await broker.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    const code = jsBlockAfter('## Queues').replace("'127.0.0.1:7420'", `'127.0.0.1:${broker.port}'`);
    expect(await runScript(code, dataDir, 'welcome mail for ada 1')).toContain('welcome mail for ada 1');
  });
});
