import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lines, runShell, startTestBroker, tempDir, type TestBroker } from './klog-harness.js';

const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

/** The shell session of the README's "Queues from the shell", as written. */
function sessionOf(heading: string): string {
  const at = README.indexOf(heading);
  expect(at, `README has "${heading}"`).toBeGreaterThanOrEqual(0);
  return /```sh\n([\s\S]*?)```/.exec(README.slice(at))![1];
}

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

it('the README\'s queue session runs as written: each job printed once, the delayed one not yet', async () => {
  const session = sessionOf('### Queues from the shell');
  const r = await runShell(`set -e\n${session}`, { broker: tb.address, cwd: tempDir('klog-readme-queues-') });
  expect(r.code, r.stderr).toBe(0);
  const out = lines(r.stdout);
  for (const job of ['job-1', 'job-2', 'job-3']) expect(out.filter((l) => l === job), job).toHaveLength(1);
  expect(out).not.toContain('reminder');
  expect(out.join('\n')).toMatch(/^workers\s+jobs\s+0$/m);
  expect(r.stderr).toContain('klog: deleted queue workers');
}, 60_000);
