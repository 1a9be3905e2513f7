import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Full path of an executable on PATH, or null. */
export function findOnPath(command: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

let aptUpdated = false;

/**
 * Returns the path of `command`, installing Debian package `pkg` with apt-get when it is missing: CI and new
 * machines start without the peers' servers. Returns a reason string instead when it cannot be installed.
 */
export function ensureBinary(command: string, pkg: string): { path: string } | { reason: string } {
  const found = findOnPath(command);
  if (found) return { path: found };
  if (!findOnPath('apt-get')) return { reason: `${command} not on PATH and apt-get is not available to install ${pkg}` };
  if (process.getuid?.() !== 0) return { reason: `${command} not on PATH; install it with: apt-get install -y ${pkg}` };
  process.stderr.write(`bench: ${command} not found, installing Debian package ${pkg}\n`);
  const run = (args: string[]): boolean =>
    spawnSync('apt-get', args, {
      // The bench's stdout is its report; apt's chatter goes to stderr.
      stdio: ['ignore', process.stderr, process.stderr],
      // Non-interactive, and no service started by the package's install script: the bench starts its own.
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' },
    }).status === 0;
  if (!aptUpdated) {
    if (!run(['update'])) return { reason: 'apt-get update failed' };
    aptUpdated = true;
  }
  if (!run(['install', '-y', '--no-install-recommends', pkg])) return { reason: `apt-get install ${pkg} failed` };
  const installed = findOnPath(command);
  return installed ? { path: installed } : { reason: `${pkg} installed but ${command} is still not on PATH` };
}

/** The version a server binary reports for `--version`, picked out by `pattern`'s first group. */
export function serverVersion(binary: string, pattern: RegExp): string {
  const out = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return pattern.exec(`${out.stdout}${out.stderr}`)?.[1] ?? 'unknown';
}
