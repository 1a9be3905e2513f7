import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserStore } from '@klog/broker';
import { acquireLock, isKlogError, KlogError } from '@klog/log-core';

/**
 * Runs `fn` on the user store of a stopped broker's data directory, holding the directory's lock meanwhile: a
 * running broker keeps its users in memory and would never see a change made under it (and could overwrite it).
 */
export async function withUserStore<T>(dataDir: string, fn: (users: UserStore) => Promise<T> | T): Promise<T> {
  const dir = resolve(dataDir);
  if (!existsSync(dir)) throw new KlogError('INVALID_CONFIG', `--data-dir ${dataDir} does not exist: give a broker's data directory`);
  let release: () => void;
  try {
    release = acquireLock(dir, () => undefined);
  } catch (err) {
    if (isKlogError(err, 'STORE_LOCKED')) {
      throw new KlogError('STORE_LOCKED', `a broker is running on --data-dir ${dataDir}: manage its users through it, with --broker HOST:PORT instead of --data-dir`, { cause: err });
    }
    throw err;
  }
  try {
    return await fn(UserStore.open(dir));
  } finally {
    release();
  }
}
