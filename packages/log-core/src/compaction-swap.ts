import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { syncDir } from './fs-sync.js';
import { segmentPaths } from './segment-files.js';

/**
 * How a compaction replaces segments so that a crash at any point leaves the records of before or of after
 * it, never a mix (docs/storage-format.md, "Compaction"):
 *
 * 1. each cleaned segment is written to `<base>.log.cleaned` and fsynced;
 * 2. the list of those bases is written to `compaction-swap` (temp file, fsync, rename, directory fsync):
 *    from this moment the compaction has happened;
 * 3. for each base, its indexes are removed and `<base>.log.cleaned` is renamed over `<base>.log`;
 * 4. the directory is fsynced and `compaction-swap` removed.
 *
 * Opening a partition runs {@link settleCompaction} first: with the marker, step 3 and 4 are finished
 * (renames already done are skipped); without it, leftover `.cleaned` files are deleted.
 */
const MARKER = 'compaction-swap';
const CLEANED = '.cleaned';

export function cleanedPath(dir: string, baseOffset: number): string {
  return segmentPaths(dir, baseOffset).log + CLEANED;
}

/** Step 2: the compaction is decided. */
export function commitCompaction(dir: string, baseOffsets: number[]): void {
  const tmp = join(dir, `${MARKER}.tmp`);
  writeFileSync(tmp, `${JSON.stringify({ segments: baseOffsets })}\n`, { flush: true });
  renameSync(tmp, join(dir, MARKER));
  syncDir(dir);
}

/** Steps 3 and 4, or the clean-up of an undecided compaction. Returns the bases swapped in. */
export function settleCompaction(dir: string): number[] {
  const marker = join(dir, MARKER);
  let swapped: number[] = [];
  if (existsSync(marker)) {
    swapped = (JSON.parse(readFileSync(marker, 'utf8')) as { segments: number[] }).segments;
    for (const base of swapped) {
      const cleaned = cleanedPath(dir, base);
      if (!existsSync(cleaned)) continue; // renamed before the crash
      const paths = segmentPaths(dir, base);
      // The indexes describe the old file; they are rebuilt from the new one when it is first read.
      rmSync(paths.index, { force: true });
      rmSync(paths.timeIndex, { force: true });
      renameSync(cleaned, paths.log);
    }
    syncDir(dir);
    rmSync(marker);
    syncDir(dir);
  }
  for (const name of readdirSync(dir)) {
    if (name.endsWith(CLEANED) || name === `${MARKER}.tmp`) rmSync(join(dir, name), { force: true });
  }
  return swapped;
}
