import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { syncDir } from '@klog/log-core';

/**
 * Replaces `dir/name` whole: a temporary file, flushed, renamed over the old one, the directory synced, so a
 * crash leaves the old content or the new, never half of it. Readable by its owner only (users, ACLs).
 */
export function writeFileAtomically(dir: string, name: string, content: string): void {
  const path = join(dir, name);
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600, flush: true });
  renameSync(tmp, path);
  syncDir(dir);
}
