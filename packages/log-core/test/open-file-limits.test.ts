// Open files (src/fd-limit.ts, src/handle-pool.ts): a store never holds more segment descriptors than its
// pool allows, active segments included; a topic the open-file limit cannot serve is refused up front; and a
// create that fails partway leaves nothing behind.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_URL, ensureBuilt } from './compiled-package.js';
import { expectKlogError, openStore, recordingLogger, removeTempDirs, tempDir } from './store-fixture.js';

beforeAll(ensureBuilt, 120_000);
afterAll(removeTempDirs);

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

function topicDirs(dir: string, topic: string): string[] {
  return readdirSync(dir).filter((n) => n.startsWith(`${topic}-`));
}

describe('creating a topic the open-file limit cannot serve', () => {
  it('is refused up front, naming the limit and ulimit -n, and the store then creates a small topic fine', async () => {
    const dir = tempDir('klog-fd-refuse-');
    const store = await openStore(dir, { maxOpenFiles: 1024 });
    try {
      const err = await store.createTopic('x', { partitions: 100_000 }).then(() => null, (e: unknown) => e);
      await expectKlogError(Promise.reject(err), 'INVALID_CONFIG');
      expect((err as Error).message).toMatch(/open-file limit of 1024/);
      expect((err as Error).message).toMatch(/ulimit -n 12500/);
      expect(store.hasTopic('x')).toBe(false);
      expect(topicDirs(dir, 'x')).toEqual([]);

      await store.createTopic('small', { partitions: 3 });
      await store.append('small', [{ value: Buffer.from('v') }], { partition: 2 });
      expect((await store.read('small', 2, { offset: 0 })).records.map((r) => r.value?.toString())).toEqual(['v']);
    } finally {
      await store.close();
    }
  });
});

describe('a create that fails partway', () => {
  it('leaves no partition directories, no open files and no topic behind, and is logged once', async () => {
    const dir = tempDir('klog-fd-partway-');
    const logger = recordingLogger();
    const store = await openStore(dir, { logger });
    // Partition 57's directory cannot be made: a file has its name.
    writeFileSync(join(dir, 'x-57'), 'in the way');
    const fdsBefore = openFds();
    try {
      await expect(store.createTopic('x', { partitions: 100 })).rejects.toThrow(/x-57/);
      expect(openFds()).toBe(fdsBefore);
      expect(topicDirs(dir, 'x')).toEqual(['x-57']); // only the file that was there before
      expect(store.hasTopic('x')).toBe(false);
      expect(logger.lines.filter((l) => l.level === 'error' || l.level === 'warn')).toHaveLength(1);

      await store.createTopic('y', { partitions: 4 });
      await store.append('y', [{ key: Buffer.from('k'), value: Buffer.from('v') }]);
    } finally {
      await store.close();
    }
    const reopened = await openStore(dir, { logger });
    try {
      expect(reopened.listTopics()).toEqual(['y']);
    } finally {
      await reopened.close();
    }
  });
});

describe('partition directories no topic owns (a create or delete cut short by a crash)', () => {
  it('are removed at the next open with one warning for all of them', async () => {
    const dir = tempDir('klog-fd-orphans-');
    await (await openStore(dir)).close();
    for (let p = 0; p < 500; p++) {
      mkdirSync(join(dir, `gone-${p}`));
      writeFileSync(join(dir, `gone-${p}`, '00000000000000000000.log'), '');
    }
    const logger = recordingLogger();
    await (await openStore(dir, { logger })).close();
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      'removed 500 partition directories of deleted or unfinished topics',
    ]);
    expect(topicDirs(dir, 'gone')).toEqual([]);
  });
});

describe('open segment files stay bounded', () => {
  it('a store with 300 partitions and maxOpenSegments 64 appends to and reads from all of them', async () => {
    const dir = tempDir('klog-fd-bounded-');
    const fdsBefore = openFds();
    let most = 0;
    const store = await openStore(dir, { maxOpenSegments: 64 });
    try {
      await store.createTopic('t', { partitions: 300, segmentBytes: 1024, retentionMs: -1 });
      most = Math.max(most, openFds());
      for (let round = 0; round < 8; round++) {
        for (let p = 0; p < 300; p++) {
          await store.append('t', [{ value: Buffer.from(`r${round}-p${p}-${'x'.repeat(100)}`) }], { partition: p });
          most = Math.max(most, openFds());
        }
      }
      for (let p = 0; p < 300; p++) {
        // Offset 0 lies in a sealed segment, the end in the active one: both kinds are reopened on demand.
        const first = await store.read('t', p, { offset: 0, maxBytes: 1 });
        const last = await store.read('t', p, { offset: 7, maxBytes: 1 });
        most = Math.max(most, openFds());
        expect(first.records[0].value?.toString()).toBe(`r0-p${p}-${'x'.repeat(100)}`);
        expect(last.records[0].value?.toString()).toBe(`r7-p${p}-${'x'.repeat(100)}`);
      }
      expect(store.describeTopic('t').partitions.every((p) => p.segments > 1)).toBe(true);
      await store.flush();
    } finally {
      await store.close();
    }
    // 64 segment files, and a few moments of a transient index or directory descriptor.
    expect(most - fdsBefore).toBeLessThanOrEqual(64 + 4);
    expect(openFds()).toBe(fdsBefore);
  });
});

describe('the default bound on open segment files', () => {
  it('is half the open-file limit, so 300 partitions under a limit of 200 hold at most 100 segment files', async () => {
    const dir = tempDir('klog-fd-default-');
    const fdsBefore = openFds();
    let most = 0;
    const store = await openStore(dir, { maxOpenFiles: 200 });
    try {
      await store.createTopic('t', { partitions: 300 });
      for (let p = 0; p < 300; p++) {
        await store.append('t', [{ value: Buffer.from(`v${p}`) }], { partition: p });
        most = Math.max(most, openFds());
      }
      for (let p = 0; p < 300; p += 13) expect((await store.read('t', p, { offset: 0 })).records[0].value?.toString()).toBe(`v${p}`);
    } finally {
      await store.close();
    }
    expect(most - fdsBefore).toBeLessThanOrEqual(100 + 4);
  });

  it('maxOpenSegments and maxOpenFiles must be positive integers', async () => {
    await expectKlogError(openStore(tempDir(), { maxOpenSegments: 0 }), 'INVALID_CONFIG');
    await expectKlogError(openStore(tempDir(), { maxOpenFiles: 1.5 }), 'INVALID_CONFIG');
  });
});

/**
 * Runs `script` (an ES module using the compiled package) in a node started by a shell with `ulimit -n
 * <limit>`, and returns its last stdout line parsed as JSON, with its stderr lines.
 */
function runUnderUlimit(limit: number, script: string, args: string[]): { result: Record<string, unknown>; stderr: string[] } {
  const file = join(tempDir('klog-fd-child-'), 'child.mjs');
  writeFileSync(file, script);
  const res = spawnSync('sh', ['-c', `ulimit -n ${limit} && exec "$0" "$@"`, process.execPath, file, ...args], {
    encoding: 'utf8', timeout: 120_000,
  });
  expect(res.status, `child failed: ${res.stderr}`).toBe(0);
  const lines = res.stdout.trim().split('\n');
  return { result: JSON.parse(lines[lines.length - 1]) as Record<string, unknown>, stderr: res.stderr.split('\n').filter(Boolean) };
}

const THOUSAND_PARTITIONS = `
import { readdirSync } from 'node:fs';
import { LogStore } from ${JSON.stringify(DIST_URL)};
const [dir] = process.argv.slice(2);
const fds = () => readdirSync('/proc/self/fd').length;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
let store = await LogStore.open(dir, { logger: quiet });
await store.createTopic('wide', { partitions: 1000 });
for (let p = 0; p < 1000; p++) await store.append('wide', [{ value: Buffer.from('v' + p) }], { partition: p });
let read = 0;
for (let p = 0; p < 1000; p++) {
  const res = await store.read('wide', p, { offset: 0 });
  if (res.records[0].value.toString() === 'v' + p) read++;
}
const fdsOpen = fds();
await store.close();
// Reopened with the default logger: the low limit is warned about once, on stderr.
store = await LogStore.open(dir);
for (let p = 0; p < 1000; p += 7) await store.append('wide', [{ value: Buffer.from('again') }], { partition: p });
const endOffset = store.logEndOffset('wide', 994);
await store.close();
console.log(JSON.stringify({ read, fdsOpen, endOffset }));
`;

const EXHAUSTED = `
import { openSync, closeSync, readdirSync } from 'node:fs';
import { LogStore } from ${JSON.stringify(DIST_URL)};
const [dir] = process.argv.slice(2);
const fds = () => readdirSync('/proc/self/fd').length;
const store = await LogStore.open(dir, { logger: { debug() {}, info() {}, warn() {}, error() {} } });
// The application holds all but 20 descriptors: the store's pool (128 under ulimit 256) cannot get them.
const hogs = [];
try {
  for (;;) hogs.push(openSync('/dev/null', 'r'));
} catch {}
for (let i = 0; i < 20; i++) closeSync(hogs.pop());
const before = fds();
let error = null;
try {
  await store.createTopic('big', { partitions: 100 });
} catch (err) {
  error = err.message;
}
const after = fds();
const dirs = readdirSync(dir).filter((n) => n.startsWith('big-')).length;
for (const fd of hogs) closeSync(fd);
await store.createTopic('big', { partitions: 100 });
await store.append('big', [{ value: Buffer.from('ok') }], { partition: 99 });
const created = store.describeTopic('big').partitions.length;
await store.close();
console.log(JSON.stringify({ error, before, after, dirs, created }));
`;

describe('under a low open-file limit (a child process started with ulimit -n 256)', () => {
  it('creates, appends to and reads from a 1,000-partition topic, warning once at open about the limit', () => {
    const dir = tempDir('klog-fd-wide-');
    const { result, stderr } = runUnderUlimit(256, THOUSAND_PARTITIONS, [dir]);
    expect(result.read).toBe(1000);
    expect(result.fdsOpen as number).toBeLessThan(256);
    expect(result.endOffset).toBe(2);
    expect(stderr.filter((l) => l.includes('open-file limit 256'))).toHaveLength(1);
  });

  it('a create that runs out of descriptors partway is rolled back, and succeeds once descriptors are free', () => {
    const dir = tempDir('klog-fd-exhausted-');
    const { result } = runUnderUlimit(256, EXHAUSTED, [dir]);
    expect(result.error).toMatch(/EMFILE|too many open files/i);
    expect(result.after).toBe(result.before);
    expect(result.dirs).toBe(0);
    expect(result.created).toBe(100);
  });
});
