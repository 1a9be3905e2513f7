import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A partition's `log-start-offset` file: the decimal offset below which records are deleted (DeleteRecords),
 * as text with a newline. Absent means the first segment's base offset. Replaced by rename, so it is always
 * whole; it is not fsynced: after an OS crash the older start offset only makes deleted records visible
 * again until retention catches up.
 */
const LOG_START_FILE = 'log-start-offset';

export function readLogStart(dir: string): number {
  try {
    const n = Number(readFileSync(join(dir, LOG_START_FILE), 'utf8').trim());
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0;
  }
}

export function writeLogStart(dir: string, offset: number): void {
  const tmp = join(dir, `${LOG_START_FILE}.tmp`);
  writeFileSync(tmp, `${offset}\n`);
  renameSync(tmp, join(dir, LOG_START_FILE));
}
