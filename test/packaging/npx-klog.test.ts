import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { cleanEnv, root } from '../../scripts/packed-install.mjs';

const run = promisify(execFile);

it('the install links klog into the repository, so `npx klog --help` works from its root (README: Quick start)', async () => {
  expect(existsSync(join(root, 'node_modules', '.bin', 'klog')), 'node_modules/.bin/klog').toBe(true);
  // --yes=false: fail rather than fetch some other package called klog from the registry.
  const { stdout } = await run('npx', ['--yes=false', 'klog', '--help'], { cwd: root, env: cleanEnv() });
  expect(stdout).toContain('Usage: klog <command> [options]');
});
