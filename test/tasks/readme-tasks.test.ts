// The README's "Background tasks" section runs as written: tasks.js and send.js as files, `klog worker` in one
// terminal (its own process group, stopped with SIGTERM), the shell session in another.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lines, runShell, spawnShell, startTestBroker, tempDir, type TestBroker } from '../cli/klog-harness.js';

const root = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(root, 'README.md'), 'utf8');

function section(heading: string): string {
  const at = README.indexOf(heading);
  expect(at, `README has "${heading}"`).toBeGreaterThanOrEqual(0);
  const end = README.indexOf('\n## ', at + heading.length);
  return README.slice(at, end);
}

function blocks(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

it('the README\'s background tasks run as written: define, delay, worker, status', async () => {
  const text = section('## Background tasks');
  const cwd = tempDir('klog-readme-tasks-');
  // The project's dependency, as npm would install it: this repository's build.
  mkdirSync(join(cwd, 'node_modules', '@klog'), { recursive: true });
  symlinkSync(join(root, 'packages', 'tasks'), join(cwd, 'node_modules', '@klog', 'tasks'));
  writeFileSync(join(cwd, 'package.json'), '{ "type": "module" }\n');
  for (const code of blocks(text, 'js')) {
    const file = /^\/\/ (\S+\.js)\n/.exec(code)![1]!;
    writeFileSync(join(cwd, file), code);
  }
  const [workerBlock, session] = blocks(text, 'sh');
  // The shell outlives SIGTERM (a trap that does nothing), so its exit status is the worker's own.
  const worker = spawnShell(`trap : TERM\n${workerBlock!}`, { broker: tb.address, cwd });
  let workerErr = '';
  worker.stderr!.on('data', (c: Buffer) => (workerErr += c.toString()));
  const workerExit = new Promise<number | null>((resolve) => worker.on('close', resolve));
  try {
    const r = await runShell(`set -e\n${session!}`, { broker: tb.address, cwd });
    expect(r.code, r.stderr + workerErr).toBe(0);
    const out = lines(r.stdout);
    expect(out[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.join('\n')).toContain("to: 'ada@example.com'"); // the result, as console.log prints it
    expect(out.join('\n')).toMatch(new RegExp(`^${out[0]}\\s+send-email\\s+SUCCESS\\s+1\\b`, 'm'));
    expect(out.join('\n')).toContain('result: {"to":"ada@example.com","subject":"welcome"');
    expect(out.at(-1)).toMatch(/^TASK\s+NAME\s+STATE/); // the FAILURE list: a header, no rows
  } finally {
    process.kill(-worker.pid!, 'SIGTERM'); // the worker's process group, by pid
  }
  expect(await workerExit).toBe(0);
  expect(workerErr).toContain('klog worker: stopping');
}, 60_000);
