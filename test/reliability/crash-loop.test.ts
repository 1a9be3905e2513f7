// Acknowledged records survive kill -9: a real broker process SIGKILLed at random moments while an idempotent
// acks-'all' producer keeps sending; every acknowledged record must be in the recovered segment files exactly
// once, in order, with dense offsets and valid CRCs. Longer runs: npm run soak -- --suite crash --kills 500.
import { afterAll, describe, expect, it } from 'vitest';
import { crashLoopProblems, crashLoopSummary, runCrashLoop } from '../../bench/src/reliability/crash-loop.js';
import { removeTempDirs, tempDir } from './temp-dirs.js';

afterAll(removeTempDirs);

describe('crash loop: SIGKILL the broker at random moments', () => {
  it("fsync 'always': 50 kills, every acknowledged record exactly once, in order, dense offsets, valid CRCs", async () => {
    const r = await runCrashLoop({ dataDir: tempDir(), fsync: 'always', kills: 50 });
    console.log(crashLoopSummary(r, 'always'));
    expect(crashLoopProblems(r)).toEqual([]);
    expect(r.kills).toBe(50);
    // Not a vacuous pass: records were acknowledged across the kills (about 18,000 in a run; one per kill is plenty).
    expect(r.acknowledged).toBeGreaterThan(r.kills);
  }, 180_000);

  // A process kill leaves written pages in the OS page cache, so even the periodic fsync loses nothing
  // acknowledged; only an OS crash or power loss can (up to intervalMs of acknowledgements).
  it('fsync every 100 ms: a process kill loses no acknowledged record', async () => {
    const r = await runCrashLoop({ dataDir: tempDir(), fsync: 100, kills: 25 });
    console.log(crashLoopSummary(r, 'interval 100 ms'));
    expect(crashLoopProblems(r)).toEqual([]);
    expect(r.lost).toBe(0);
    expect(r.kills).toBe(25);
    expect(r.acknowledged).toBeGreaterThan(r.kills);
  }, 180_000);
});
