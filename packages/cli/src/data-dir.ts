import { mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { KlogError } from '@klog/log-core';

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (err) {
    // ENOTDIR: a parent is a file; walking up finds it and says so.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
}

/**
 * Makes sure `--data-dir` is a directory, creating it and its parents one level at a time. Node's recursive
 * mkdir loops for ever on paths it cannot create (under /proc, say), so the broker would spin at full CPU instead
 * of failing; one level at a time, each failure is reported with the directory it concerns.
 */
export function prepareDataDir(dataDir: string): void {
  const path = resolve(dataDir);
  const missing: string[] = [];
  let at = path;
  let st = statOrNull(at);
  while (st === null && dirname(at) !== at) {
    missing.unshift(at);
    at = dirname(at);
    st = statOrNull(at);
  }
  if (st !== null && !st.isDirectory()) {
    throw new KlogError('INVALID_CONFIG', `--data-dir ${dataDir}: ${at} is a file, not a directory; choose another --data-dir`);
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new KlogError('INVALID_CONFIG',
        `--data-dir ${dataDir}: cannot create ${dir} (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : code === 'ENOENT' ? 'that file system does not allow it' : code ?? 'failed'}); choose another --data-dir`);
    }
  }
}
