// The acknowledgement promise of each fsync policy (src/fsync-policy.ts), against a real process kill.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FsyncPolicy } from '../src/fsync-policy.js';
import { DIST_URL, ensureBuilt } from './compiled-package.js';
import { openStore, readAll, removeTempDirs, tempDir } from './store-fixture.js';

const ACKS_BEFORE_KILL = 300;

// The child runs the compiled package.
beforeAll(ensureBuilt, 120_000);

afterAll(removeTempDirs);

/** Appends one record at a time forever, printing each acknowledged offset. */
const WRITER = `
import { LogStore } from ${JSON.stringify(DIST_URL)};
const [dir, fsync] = process.argv.slice(2);
const store = await LogStore.open(dir, { fsync: JSON.parse(fsync) });
await store.createTopic('t', { segmentBytes: 16 * 1024, maxBatchBytes: 16 * 1024 });
for (let i = 0; ; i++) {
  const [ack] = await store.append('t', [{ value: Buffer.from('record-' + i) }]);
  process.stdout.write(ack.offset + '\\n');
}
`;

/** Runs the writer until it has acknowledged `acks` records, kills it with SIGKILL, returns the offsets it acked. */
async function writeThenKill(dir: string, fsync: FsyncPolicy, acks: number): Promise<number[]> {
  const script = join(tempDir('klog-writer-'), 'writer.mjs');
  writeFileSync(script, WRITER);
  const child = spawn(process.execPath, [script, dir, JSON.stringify(fsync)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acked: number[] = [];
  let stderr = '';
  let partial = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  child.stdout.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    for (const l of lines) acked.push(Number(l));
    if (acked.length >= acks && child.exitCode === null && !child.killed) child.kill('SIGKILL');
  });
  const signal = await exited;
  expect(signal, `writer exited on its own: ${stderr}`).toBe('SIGKILL');
  return acked;
}

describe('acknowledged appends survive a process kill', () => {
  it.each<[string, FsyncPolicy]>([
    ['always', 'always'],
    ['interval', { intervalMs: 100 }],
    ['never', 'never'],
  ])('under fsync %s: every acked record is there exactly once, and the log is dense', async (_name, fsync) => {
    const dir = tempDir('klog-durable-');
    const acked = await writeThenKill(dir, fsync, ACKS_BEFORE_KILL);
    expect(acked.length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);
    expect(acked).toEqual(acked.map((_, i) => i)); // acks come in order, densely

    const store = await openStore(dir); // the lock names the killed writer: taken over
    try {
      const records = await readAll(store, 't');
      expect(records.map((r) => r.offset)).toEqual(records.map((_, i) => i)); // dense from 0
      expect(records.length).toBeGreaterThanOrEqual(acked.length); // nothing acknowledged was lost
      // Each record once, where it was acknowledged (the writer's i-th record went to offset i).
      expect(records.map((r) => r.value?.toString())).toEqual(records.map((_, i) => `record-${i}`));
      expect(store.describeTopic('t').partitions[0].segments).toBeGreaterThan(1);
    } finally {
      await store.close();
    }
  });
});
