// The ACL model and its store: Kafka's rules (deny wins, no matching ACL means no, read/write/delete/alter imply
// describe, prefixes, * principals and names, super users) and acls.json (atomic, reopened the same, a damaged
// or newer file refused); protected mode's idea of loopback.
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Acl } from '../src/security/acl.js';
import { AclAuthorizer } from '../src/security/acl-authorizer.js';
import { ACLS_FILE, AclStore } from '../src/security/acl-store.js';
import { checkProtectedMode, isLoopback } from '../src/security/protected-mode.js';

const dirs: string[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'klog-acls-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const acl = (over: Partial<Acl>): Acl => ({ principal: 'User:alice', resourceType: 'topic', resourceName: 'orders', prefix: false, operation: 'read', allow: true, ...over });
const topic = (name: string) => ({ type: 'topic' as const, name });

function authorizer(acls: Acl[], opts: { users?: boolean; superUsers?: string[] } = {}): AclAuthorizer {
  const store = AclStore.inMemory();
  for (const a of acls) store.add(a);
  return new AclAuthorizer(store, () => opts.users ?? true, { superUsers: opts.superUsers });
}

describe('AclAuthorizer', () => {
  it('denies what no ACL allows, allows what one does, and lets a deny win', () => {
    const a = authorizer([acl({}), acl({ resourceName: 'pay', prefix: true, operation: 'all' }), acl({ resourceName: 'payroll', operation: 'write', allow: false })]);
    expect(a.allowed('alice', 'read', topic('orders'))).toBe(true);
    expect(a.allowed('User:alice', 'describe', topic('orders'))).toBe(true); // read implies describe
    expect(a.allowed('alice', 'write', topic('orders'))).toBe(false);
    expect(a.allowed('alice', 'write', topic('payments'))).toBe(true);
    expect(a.allowed('alice', 'write', topic('payroll'))).toBe(false);
    expect(a.allowed('alice', 'read', topic('payroll'))).toBe(true);
    expect(a.allowed('bob', 'read', topic('orders'))).toBe(false);
    expect(a.allowed(null, 'read', topic('orders'))).toBe(false);
    expect(() => a.check('bob', 'read', topic('orders'))).toThrow(expect.objectContaining({
      code: 'TOPIC_AUTHORIZATION_FAILED', message: 'User:bob is not authorized to read topic orders' }));
  });

  it('matches * principals and * names, lets super users through, and is off while there are no users', () => {
    const a = authorizer([acl({ principal: '*', resourceType: 'group', resourceName: '*', operation: 'describe' })], { superUsers: ['root'] });
    expect(a.allowed('anyone', 'describe', { type: 'group', name: 'g' })).toBe(true);
    expect(a.allowed('anyone', 'read', { type: 'group', name: 'g' })).toBe(false);
    expect(a.allowed('root', 'alter', { type: 'cluster', name: 'kafka-cluster' })).toBe(true);
    expect(authorizer([], { users: false }).allowed(null, 'delete', topic('x'))).toBe(true);
  });

  it('refuses ACLs that cannot mean what they say', () => {
    const store = AclStore.inMemory();
    expect(() => store.add(acl({ principal: 'alice' }))).toThrow(/User:NAME or \*/);
    expect(() => store.add(acl({ resourceType: 'cluster', resourceName: 'x' }))).toThrow(/kafka-cluster/);
    expect(() => store.add(acl({ resourceName: '' }))).toThrow(/needs a topic name/);
    expect(() => store.remove(acl({}))).toThrow(expect.objectContaining({ code: 'UNKNOWN_ACL' }));
  });
});

describe('AclStore', () => {
  it('keeps ACLs across a reopen in a file only its owner reads, with no temporary file left', () => {
    const d = dir();
    const store = AclStore.open(d);
    expect(store.add(acl({}))).toBe(true);
    expect(store.add(acl({}))).toBe(false);
    store.add(acl({ allow: false, operation: 'write' }));
    store.remove(acl({}));
    expect(AclStore.open(d).list()).toEqual([acl({ allow: false, operation: 'write' })]);
    expect(statSync(join(d, ACLS_FILE)).mode & 0o777).toBe(0o600);
    expect(existsSync(join(d, `${ACLS_FILE}.tmp`))).toBe(false);
  });

  it('refuses a damaged or newer file rather than read it as "no ACLs"', () => {
    const damaged = dir();
    writeFileSync(join(damaged, ACLS_FILE), '{"version":1,"acls":[');
    expect(() => AclStore.open(damaged)).toThrow(expect.objectContaining({ code: 'CORRUPT_DATA' }));
    const newer = dir();
    writeFileSync(join(newer, ACLS_FILE), '{"version":2,"acls":[]}');
    expect(() => AclStore.open(newer)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_FORMAT' }));
  });
});

describe('protected mode', () => {
  it('knows loopback, and refuses other interfaces only without users and without --allow-anonymous', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', 'localhost']) expect(isLoopback(a)).toBe(true);
    for (const a of ['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1']) expect(isLoopback(a)).toBe(false);
    const base = { hasUsers: false, allowAnonymous: false, dataDir: '/srv/klog' };
    expect(() => checkProtectedMode(['127.0.0.1', '::1'], base)).not.toThrow();
    expect(() => checkProtectedMode(['127.0.0.1', '0.0.0.0'], base)).toThrow(/0\.0\.0\.0.*klog user add NAME --data-dir \/srv\/klog/s);
    expect(() => checkProtectedMode(['0.0.0.0'], { ...base, hasUsers: true })).not.toThrow();
    expect(() => checkProtectedMode(['0.0.0.0'], { ...base, allowAnonymous: true })).not.toThrow();
  });
});
