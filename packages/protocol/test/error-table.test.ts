// The error table is the one place that says what an error means to a program: these tests pin that every code
// the code base raises has a row, that the per-package tables do not overlap, and that the decisions read it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KlogError, STORAGE_ERRORS } from '@klog/log-core';
import { describe, expect, it } from 'vitest';
import {
  BROKER_ERRORS, ERROR_TABLE, QUEUE_ERRORS, SECURITY_ERRORS, TASK_ERRORS, errorCodes, errorInfo, errorInfoOf, GROUP_ERRORS, isErrorCode, isRetriable,
  needsMetadataRefresh, needsRejoin, type ErrorCode,
} from '../src/index.js';

const PACKAGES = resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Code literals where the source raises, sends or compares an error code (klog's have an underscore; errno's do
 * not; Node's own, such as ERR_BUFFER_TOO_LARGE, start with ERR_ and are not klog's to list).
 */
function codesInSources(): Map<string, string> {
  const found = new Map<string, string>();
  const pattern = /(?:KlogError(?:<[^>]*>)?\(\s*|errorCode: |isKlogError\([^,()]+,\s*|code === |fatal\()'([A-Z][A-Z0-9]*_[A-Z0-9_]*)'/g;
  for (const pkg of readdirSync(PACKAGES)) {
    let files: string[];
    try {
      files = sourceFiles(join(PACKAGES, pkg, 'src'));
    } catch {
      continue;
    }
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(pattern)) if (!m[1].startsWith('ERR_')) found.set(m[1], file);
    }
  }
  return found;
}

describe('the error table', () => {
  it('has a row for every code any package raises, sends or branches on', () => {
    const found = codesInSources();
    expect(found.size).toBeGreaterThan(25); // the scan itself works
    const missing = [...found].filter(([code]) => !isErrorCode(code)).map(([code, file]) => `${code} (${file})`);
    expect(missing).toEqual([]);
  });

  it('is the union of the storage, group, broker, queue, task and security tables, which share no code', () => {
    const parts = [STORAGE_ERRORS, GROUP_ERRORS, BROKER_ERRORS, QUEUE_ERRORS, TASK_ERRORS, SECURITY_ERRORS].map((t) => Object.keys(t));
    const all = parts.flat();
    expect(new Set(all).size).toBe(all.length);
    expect([...errorCodes()].sort()).toEqual([...all].sort());
    expect(Object.keys(ERROR_TABLE).sort()).toEqual([...all].sort());
  });

  it('gives every code booleans, a Kafka error number and a hint', () => {
    for (const code of errorCodes()) {
      const info = errorInfo(code);
      for (const flag of [info.retriable, info.refreshMetadata, info.rejoin]) expect(typeof flag).toBe('boolean');
      expect(Number.isInteger(info.kafkaCode) && info.kafkaCode >= -1, `${code} kafkaCode`).toBe(true);
      expect(info.hint.trim().length, `${code} hint`).toBeGreaterThan(10);
    }
  });

  it('keeps the decisions klog depends on', () => {
    // Retrying these would hide a failure (a bug, a newer broker) behind a client that waits without a word.
    for (const code of ['INTERNAL_ERROR', 'UNKNOWN_ERROR_CODE', 'INVALID_REQUEST', 'CORRUPT_DATA'] as const) {
      expect(errorInfo(code).retriable, code).toBe(false);
    }
    for (const code of ['BROKER_NOT_AVAILABLE', 'CONNECTION_LOST', 'REQUEST_TIMED_OUT', 'STORAGE_ERROR', 'COORDINATOR_NOT_AVAILABLE'] as const) {
      expect(errorInfo(code).retriable, code).toBe(true);
    }
    expect(errorCodes().filter((c) => errorInfo(c).rejoin).sort()).toEqual(['ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS', 'UNKNOWN_MEMBER_ID']);
    expect(errorInfo('UNKNOWN_TOPIC').refreshMetadata).toBe(true);
    expect(errorInfo('UNKNOWN_TOPIC').kafkaCode).toBe(3);
    expect(errorInfo('REBALANCE_IN_PROGRESS').kafkaCode).toBe(27);
  });

  it('is what isRetriable, needsRejoin and needsMetadataRefresh read', () => {
    for (const code of errorCodes()) {
      const err = new KlogError(code, 'x');
      const info = ERROR_TABLE[code];
      expect([isRetriable(err), needsRejoin(err), needsMetadataRefresh(err)], code).toEqual([info.retriable, info.rejoin, info.refreshMetadata]);
    }
    for (const other of [new Error('EMFILE'), 'STORAGE_ERROR', { code: 'STORAGE_ERROR' }, null]) {
      expect(isRetriable(other)).toBe(false);
      expect(errorInfoOf(other)).toBeUndefined();
    }
    // A KlogError built (say, from JavaScript) with a code no table has is not looked up as anything.
    expect(errorInfoOf(new KlogError('NOT_A_CODE' as ErrorCode, 'x'))).toBeUndefined();
  });

  it('tells codes from other strings', () => {
    expect(isErrorCode('UNKNOWN_TOPIC')).toBe(true);
    expect(isErrorCode('REBALANCE_IN_PROGRESS')).toBe(true);
    for (const v of ['unknown_topic', 'toString', '__proto__', '', 42, undefined]) expect(isErrorCode(v), String(v)).toBe(false);
  });
});
