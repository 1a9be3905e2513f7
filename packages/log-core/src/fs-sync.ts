import { closeSync, fsyncSync, openSync } from 'node:fs';

/** fsync of a directory, so that a file just created or renamed in it survives an OS crash. */
export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
