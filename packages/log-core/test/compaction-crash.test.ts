// Crash safety of compaction (src/compaction-swap.ts): a process killed with SIGKILL at a random point of a
// compaction leaves a directory that opens to exactly the records of before it or of after it.
import { spawn } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredRecord } from '../src/types.js';
import { DIST_URL, ensureBuilt } from './compiled-package.js';
import { bytes, openStore, plain, readAll, removeTempDirs, tempDir } from './store-fixture.js';

beforeAll(ensureBuilt, 120_000);
afterAll(removeTempDirs);

const T0 = 1_700_000_000_000;
const RUNS = 8;

/** Compacts topic c, slowly (a small byte budget), so that a kill lands inside the pass. */
const COMPACTOR = `
import { LogStore } from ${JSON.stringify(DIST_URL)};
const [dir] = process.argv.slice(2);
const store = await LogStore.open(dir, { now: () => ${T0}, compactionBytesPerSecond: 256 * 1024 });
process.stdout.write('start\\n');
await store.compact('c');
process.stdout.write('done\\n');
await store.close();
`;

async function recordsOf(dir: string): Promise<unknown[]> {
  const store = await openStore(dir, { now: () => T0 });
  try {
    return (await readAll(store, 'c', 0)).map((r: StoredRecord) => plain(r));
  } finally {
    await store.close();
  }
}

function copy(dir: string): string {
  const to = tempDir('klog-compact-crash-');
  cpSync(dir, to, { recursive: true });
  return to;
}

/** Starts the compactor on `dir` and kills it `delayMs` after it began compacting (or lets it finish). */
async function compactThenKill(dir: string, delayMs: number): Promise<'killed' | 'finished'> {
  const script = join(tempDir('klog-compactor-'), 'compactor.mjs');
  writeFileSync(script, COMPACTOR);
  const child = spawn(process.execPath, [script, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  child.stdout.on('data', (d: Buffer) => {
    if (d.toString().includes('start')) setTimeout(() => child.kill('SIGKILL'), delayMs);
  });
  const signal = await exited;
  expect(signal === 'SIGKILL' || stderr === '', stderr).toBe(true);
  return signal === 'SIGKILL' ? 'killed' : 'finished';
}

describe('compaction killed with SIGKILL at a random point', () => {
  it(`opens to the records of before or after the compaction (${RUNS} runs)`, async () => {
    const source = tempDir('klog-compact-src-');
    const store = await openStore(source, { now: () => T0 });
    await store.createTopic('c', { cleanupPolicy: 'compact', segmentBytes: 2048, maxBatchBytes: 2048 });
    for (let round = 0; round < 50; round++) {
      for (let k = 0; k < 8; k++) await store.append('c', [{ key: bytes(`k${k}`), value: bytes(`${round}-${'v'.repeat(60)}`), timestamp: T0 }]);
    }
    await store.close();
    const before = await recordsOf(copy(source));
    const done = copy(source);
    const s = await openStore(done, { now: () => T0 });
    await s.compact('c');
    await s.close();
    const after = await recordsOf(done);
    expect(after.length).toBeLessThan(before.length);

    const delays = Array.from({ length: RUNS }, () => Math.floor(Math.random() * 650));
    const seen: string[] = [];
    for (const delay of delays) {
      const dir = copy(source);
      const how = await compactThenKill(dir, delay);
      const got = await recordsOf(dir);
      const which = JSON.stringify(got) === JSON.stringify(before) ? 'before' : JSON.stringify(got) === JSON.stringify(after) ? 'after' : 'neither';
      seen.push(`${delay}ms ${how}: ${which}`);
      expect(which, `kill delays ${delays.join(', ')} ms; so far: ${seen.join('; ')}`).not.toBe('neither');
      expect(readdirSync(join(dir, 'c-0')).filter((n) => n.includes('cleaned') || n.includes('compaction-swap'))).toEqual([]);
      // Compacting again from whatever state was left gives the same result as one uninterrupted pass.
      const again = await openStore(dir, { now: () => T0 });
      await again.compact('c');
      await again.close();
      expect(await recordsOf(dir)).toEqual(after);
    }
    console.log(`compaction kill runs: ${seen.join('; ')}`);
  }, 120_000);

  it('a swap marker with some segments renamed and some not is finished at open: the compaction happened', async () => {
    const dir = tempDir('klog-compact-midswap-');
    const store = await openStore(dir, { now: () => T0 });
    await store.createTopic('c', { cleanupPolicy: 'compact', segmentBytes: 1024, maxBatchBytes: 1024 });
    for (let i = 0; i < 120; i++) await store.append('c', [{ key: bytes(`k${i % 3}`), value: bytes(`${i}-${'v'.repeat(40)}`), timestamp: T0 }]);
    await store.close();
    const done = copy(dir);
    const s = await openStore(done, { now: () => T0 });
    await s.compact('c');
    await s.close();
    const after = await recordsOf(done);
    // The state a crash leaves after step 2 of the swap, partway through step 3.
    const logs = readdirSync(join(dir, 'c-0')).filter((n) => n.endsWith('.log'));
    const changed = logs.filter((n) => !readFileSync(join(dir, 'c-0', n)).equals(readFileSync(join(done, 'c-0', n))));
    expect(changed.length).toBeGreaterThan(2);
    changed.forEach((name, i) => {
      if (i % 2 === 0) {
        // Already renamed, its old indexes removed before.
        cpSync(join(done, 'c-0', name), join(dir, 'c-0', name));
        for (const ext of ['.index', '.timeindex']) rmSync(join(dir, 'c-0', name.replace('.log', ext)));
      } else cpSync(join(done, 'c-0', name), join(dir, 'c-0', `${name}.cleaned`)); // not yet
    });
    writeFileSync(join(dir, 'c-0', 'compaction-swap'), `${JSON.stringify({ segments: changed.map((n) => Number(n.slice(0, 20))) })}\n`);
    writeFileSync(join(dir, 'klog-format.json'), '{"formatVersion":2}\n');
    expect(await recordsOf(dir)).toEqual(after);
    expect(readdirSync(join(dir, 'c-0')).filter((n) => n.includes('cleaned') || n.includes('compaction-swap'))).toEqual([]);
  });

  it('cleaned files without the swap marker are removed at open: the compaction did not happen', async () => {
    const dir = tempDir('klog-compact-leftover-');
    const store = await openStore(dir, { now: () => T0 });
    await store.createTopic('c', { cleanupPolicy: 'compact', segmentBytes: 1024, maxBatchBytes: 1024 });
    for (let i = 0; i < 60; i++) await store.append('c', [{ key: bytes(`k${i % 3}`), value: bytes(`${i}-${'v'.repeat(40)}`), timestamp: T0 }]);
    await store.close();
    const before = await recordsOf(dir);
    writeFileSync(join(dir, 'c-0', '00000000000000000000.log.cleaned'), 'half a segment');
    expect(await recordsOf(dir)).toEqual(before);
    expect(readdirSync(join(dir, 'c-0')).filter((n) => n.endsWith('.cleaned'))).toEqual([]);
  });
});
