import { existsSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { syncDir } from './fs-sync.js';

/**
 * `.clean-shutdown`: written (with the time, for people) by a close that flushed everything, so the next open
 * trusts the indexes and skips recovery. It is removed, durably, before the first write after an open.
 */
const CLEAN_MARKER = '.clean-shutdown';

/** True when the last shutdown was clean; the marker is gone when this returns. */
export function takeCleanShutdownMarker(dir: string): boolean {
  const path = join(dir, CLEAN_MARKER);
  if (!existsSync(path)) return false;
  // From here on a crash must be recovered from: the marker goes, durably, before any write.
  unlinkSync(path);
  syncDir(dir);
  return true;
}

export function writeCleanShutdownMarker(dir: string, now: number): void {
  writeFileSync(join(dir, CLEAN_MARKER), `${new Date(now).toISOString()}\n`, { flush: true });
  syncDir(dir);
}
