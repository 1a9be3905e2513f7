import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { KlogError } from './errors.js';

const LOCK_NAME = '.lock';

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data directory's lock file (holding our pid), so two processes — or two stores in one process —
 * never write the same log. A lock left by a process that is no longer running is taken over.
 * Returns a function that releases it.
 */
export function acquireLock(dir: string, onStale: (pid: number) => void): () => void {
  const path = join(dir, LOCK_NAME);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          unlinkSync(path);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let pid = NaN;
    try {
      pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    } catch {
      continue; // removed meanwhile: try again
    }
    if (Number.isInteger(pid) && pid > 0 && processIsAlive(pid)) {
      throw new KlogError('STORE_LOCKED',
        `data directory ${dir} is in use by process ${pid}${pid === process.pid ? ' (this process: the store is already open)' : ''}; ` +
          'stop that process or use another directory');
    }
    onStale(pid);
    try {
      unlinkSync(path);
    } catch {
      // another opener removed it first: retry
    }
  }
  throw new KlogError('STORE_LOCKED', `could not take the lock file ${path}`);
}
