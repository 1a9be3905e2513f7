// Shared by the storage-engine tests: real temporary directories, a quiet store, and error assertions.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { expect } from 'vitest';
import { isKlogError, type ErrorCode } from '../src/errors.js';
import { LogStore, type LogStoreOptions } from '../src/log-store.js';
import type { Logger } from '../src/logger.js';
import type { RecordInput, StoredRecord } from '../src/types.js';

export const quiet = pino({ level: 'silent' });

/** A fresh directory under the OS temp dir; every one made is removed by removeTempDirs(). */
const made: string[] = [];
export function tempDir(prefix = 'klog-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string;
}

/** A logger that keeps every line it is given, for tests of what the store says. */
export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (obj: object, msg: string): void => {
    lines.push({ level, obj: obj as Record<string, unknown>, msg });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function openStore(dir: string, opts: LogStoreOptions = {}): Promise<LogStore> {
  return LogStore.open(dir, { logger: quiet, ...opts });
}

/** The pid of a process that has exited: what a lock file left by a crashed process holds. */
export function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '']).pid;
  if (pid === undefined) throw new Error('could not start a child process');
  return pid;
}

/**
 * What an unclean stop leaves behind: a copy of the directory taken while the store is open (every written
 * page, as the OS would keep it after a process kill), its lock naming a process that no longer runs.
 */
export function crashCopy(dir: string): string {
  const copy = tempDir('klog-crash-');
  cpSync(dir, copy, { recursive: true });
  writeFileSync(join(copy, '.lock'), `${deadPid()}\n`);
  return copy;
}

export function removeCleanMarker(dir: string): void {
  unlinkSync(join(dir, '.clean-shutdown'));
}

/** The .log files of a partition directory, oldest first, with their sizes. */
export function segmentFiles(partitionDir: string): { name: string; path: string; size: number }[] {
  return readdirSync(partitionDir)
    .filter((n) => n.endsWith('.log'))
    .sort()
    .map((name) => ({ name, path: join(partitionDir, name), size: statSync(join(partitionDir, name)).size }));
}

export async function expectKlogError(promise: Promise<unknown> | (() => unknown), code: ErrorCode): Promise<void> {
  let caught: unknown;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected KlogError ${code}`).toBeDefined();
  expect(isKlogError(caught) ? caught.code : caught).toBe(code);
}

export function bytes(s: string): Buffer {
  return Buffer.from(s);
}

/** Every record of a partition from `from` to the end, read in pieces of `maxBytes`. */
export async function readAll(store: LogStore, topic: string, partition = 0, from?: number, maxBytes = 4096): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  let offset = from ?? store.logStartOffset(topic, partition);
  while (offset < store.logEndOffset(topic, partition)) {
    const res = await store.read(topic, partition, { offset, maxBytes });
    expect(res.records.length).toBeGreaterThan(0);
    out.push(...res.records);
    offset = res.nextOffset;
  }
  return out;
}

/** A record reduced to what a test compares: bytes as strings (null kept), offsets and timestamps as numbers. */
export function plain(r: StoredRecord | (RecordInput & { offset?: number })): unknown {
  const str = (b: Buffer | null | undefined): string | null => (b == null ? null : Buffer.from(b).toString('hex'));
  return {
    offset: r.offset,
    key: str(r.key),
    value: str(r.value),
    timestamp: r.timestamp,
    headers: (r.headers ?? []).map((h) => ({ key: h.key, value: str(h.value) })),
  };
}
