// Tests that run the store in a child process (a real kill, a real open-file limit) load the compiled package.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST_ENTRY = join(PACKAGE, 'dist', 'index.js');
/** For `import ... from` in a child's script. */
export const DIST_URL = pathToFileURL(DIST_ENTRY).href;

/** True when some src/*.ts is newer than its compiled dist/*.js (or that is missing). */
function distIsStale(dir = join(PACKAGE, 'src')): boolean {
  return readdirSync(dir, { withFileTypes: true }).some((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return distIsStale(path);
    if (!e.name.endsWith('.ts')) return false;
    const js = join(PACKAGE, 'dist', path.slice(join(PACKAGE, 'src').length).replace(/\.ts$/, '.js'));
    return !existsSync(js) || statSync(js).mtimeMs < statSync(path).mtimeMs;
  });
}

/**
 * Builds the package when the sources changed since the last build (only then: other packages' tests load
 * the same dist/ and should not see it rewritten under them).
 */
export function ensureBuilt(): void {
  if (!distIsStale()) return;
  const tsc = join(PACKAGE, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');
  const res = spawnSync(process.execPath, [tsc, '-p', join(PACKAGE, 'tsconfig.json')], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`building log-core failed:\n${res.stdout}${res.stderr}`);
}
