// The user store's file: credentials only, rewritten atomically (no temporary file left behind), read back the
// same after a reopen; a damaged or newer file is refused with what to do rather than read as "no users".
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveScramCredential } from '@klog/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { USERS_FILE, UserStore } from '../src/security/user-store.js';

const dirs: string[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'klog-users-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('UserStore', () => {
  it('keeps credentials across a reopen, and leaves no temporary file', () => {
    const d = dir();
    const store = UserStore.open(d);
    expect(store.size).toBe(0);
    expect(store.putPassword('alice', 'first phrase!', { iterations: 4096 })).toBe(true);
    expect(store.putPassword('alice', 'second phrase!', { iterations: 4096 })).toBe(false);
    store.put('bob', [deriveScramCredential('SCRAM-SHA-512', 'x', { iterations: 4096 })]);
    const again = UserStore.open(d);
    expect(again.list()).toEqual([{ user: 'alice', mechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-512'] }, { user: 'bob', mechanisms: ['SCRAM-SHA-512'] }]);
    expect(again.credential('alice', 'SCRAM-SHA-256')).toEqual(store.credential('alice', 'SCRAM-SHA-256'));
    expect(again.credential('bob', 'SCRAM-SHA-256')).toBeUndefined();
    again.remove('bob');
    expect(UserStore.open(d).list().map((u) => u.user)).toEqual(['alice']);
    expect(existsSync(join(d, `${USERS_FILE}.tmp`))).toBe(false);
    // " " and "!" are not base64: the encoded salts and keys cannot contain these by chance.
    for (const password of ['first phrase!', 'second phrase!']) expect(readFileSync(join(d, USERS_FILE), 'utf8')).not.toContain(password);
  });

  it('refuses bad names, few iterations, and unknown users', () => {
    const store = UserStore.open(dir());
    expect(() => store.putPassword('', 'pw')).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => store.putPassword('a\nb', 'pw')).toThrow(/control characters/);
    expect(() => store.put('alice', [{ ...deriveScramCredential('SCRAM-SHA-256', 'pw'), iterations: 10 }])).toThrow(/at least 4096/);
    expect(() => store.remove('ghost')).toThrow(expect.objectContaining({ code: 'UNKNOWN_USER' }));
    expect(store.size).toBe(0);
  });

  it('refuses a damaged file and one of a newer format', () => {
    const damaged = dir();
    writeFileSync(join(damaged, USERS_FILE), '{"version":1,"us');
    expect(() => UserStore.open(damaged)).toThrow(expect.objectContaining({ code: 'CORRUPT_DATA' }));
    const newer = dir();
    writeFileSync(join(newer, USERS_FILE), '{"version":2,"users":{}}');
    expect(() => UserStore.open(newer)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_FORMAT' }));
  });
});
