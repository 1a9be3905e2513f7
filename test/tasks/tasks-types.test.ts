// Typed end to end: delay() takes exactly the handler's arguments after ctx, and result() resolves with its return
// type. Checked by compiling typed-api.fixture.ts, whose @ts-expect-error lines must each be errors.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

describe('task types', () => {
  it('delay, schedule, result and every follow the handler', async () => {
    const tsc = `${root}node_modules/typescript/bin/tsc`;
    const args = ['--noEmit', '--strict', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022',
      '--types', 'node', '--skipLibCheck', fileURLToPath(new URL('./typed-api.fixture.ts', import.meta.url))];
    const out = await run(process.execPath, [tsc, ...args], { cwd: root }).then(() => '', (e: { stdout: string }) => e.stdout);
    expect(out).toBe('');
  }, 60_000);
});
