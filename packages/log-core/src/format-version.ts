import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KlogError } from './errors.js';
import { syncDir } from './fs-sync.js';

/**
 * The storage format of a data directory, recorded in klog-format.json as { "formatVersion": N }. A change to
 * any byte layout or file of the directory (see docs/storage-format.md) raises it; a klog refuses a directory
 * of a newer format rather than misread it. Directories written before the file existed are format 1.
 */
export const FORMAT_FILE = 'klog-format.json';
export const FORMAT_VERSION = 2;
/**
 * What a new directory is marked: format 1 until the first compaction leaves gaps in a segment (format 2),
 * so that a store never compacted stays readable by a klog that predates compaction.
 */
const BASE_FORMAT_VERSION = 1;
export const COMPACTED_FORMAT_VERSION = 2;

/**
 * The directory's format version, refusing one this klog cannot read. Reads only: it runs before the lock is
 * taken, so a refused directory is left exactly as it was.
 */
export function checkFormatVersion(dir: string): number {
  const path = join(dir, FORMAT_FILE);
  if (!existsSync(path)) return BASE_FORMAT_VERSION;
  let version: unknown;
  try {
    version = (JSON.parse(readFileSync(path, 'utf8')) as { formatVersion?: unknown }).formatVersion;
  } catch (err) {
    throw new KlogError('CORRUPT_DATA', `${path} is not valid JSON (${(err as Error).message}); it should read {"formatVersion": ${FORMAT_VERSION}}`);
  }
  if (!Number.isInteger(version) || (version as number) < 1) {
    throw new KlogError('CORRUPT_DATA', `${path} has no valid "formatVersion" (found ${JSON.stringify(version)})`);
  }
  if ((version as number) > FORMAT_VERSION) {
    throw new KlogError('UNSUPPORTED_FORMAT',
      `data directory ${dir} is in storage format ${version as number}, but this klog reads format ${FORMAT_VERSION}; ` +
      `it was written by a newer klog: run that version (or newer) on it`);
  }
  return version as number;
}

/** Records the format of a new directory, or of one written before the file existed (format 1). */
export function writeFormatVersionIfMissing(dir: string): void {
  const path = join(dir, FORMAT_FILE);
  if (existsSync(path)) return;
  writeFileSync(path, `${JSON.stringify({ formatVersion: BASE_FORMAT_VERSION })}\n`, { flush: true });
  syncDir(dir);
}

/**
 * Marks the directory with at least `version` (temp file, fsync, rename, directory fsync) before anything of
 * that format is committed, so that an older klog refuses it rather than misreads it.
 */
export function raiseFormatVersion(dir: string, version: number): void {
  if (checkFormatVersion(dir) >= version) return;
  const path = join(dir, FORMAT_FILE);
  writeFileSync(`${path}.tmp`, `${JSON.stringify({ formatVersion: version })}\n`, { flush: true });
  renameSync(`${path}.tmp`, path);
  syncDir(dir);
}
