import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh data directory for one target; remove() deletes only this directory. */
export function tempDataDir(label: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `klog-bench-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
