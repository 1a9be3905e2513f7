import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
let prefix = '';

afterEach(() => {
  if (prefix) rmSync(prefix, { recursive: true, force: true });
});

it('npm run link-cli puts a working klog in npm\'s global bin folder (README: "to type plain klog")', () => {
  prefix = mkdtempSync(join(tmpdir(), 'klog-link-'));
  const env = { ...process.env, npm_config_prefix: prefix };
  execFileSync('sh', [join(root, 'scripts', 'link-cli.sh')], { cwd: root, env, stdio: 'pipe' });
  const version = execFileSync(join(prefix, 'bin', 'klog'), ['--version'], { env, encoding: 'utf8' }).trim();
  const pkg = JSON.parse(readFileSync(join(root, 'packages', 'cli', 'package.json'), 'utf8')) as { version: string };
  expect(version).toBe(pkg.version);
});
