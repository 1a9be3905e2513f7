// Compaction keeps what was acknowledged through kill -9: a store process writes keyed records and tombstones
// to a compacted topic of small segments while compaction runs back to back with a small key map (so passes
// are often partial), and is SIGKILLed at random moments (inside cleaning, swaps, rolls and appends).
// Longer runs: npm run soak -- --suite compaction --kills 200.
import { afterAll, describe, expect, it } from 'vitest';
import { compactionCrashLoopProblems, compactionCrashLoopSummary, runCompactionCrashLoop } from '../../bench/src/reliability/compaction-crash-loop.js';
import { removeTempDirs, tempDir } from './temp-dirs.js';

afterAll(removeTempDirs);

describe('crash loop: SIGKILL a store while it compacts', () => {
  it('20 kills: every key keeps its latest acknowledged value or tombstone, offsets unchanged, reads across gaps', async () => {
    const r = await runCompactionCrashLoop({ dataDir: tempDir(), kills: 20 });
    console.log(compactionCrashLoopSummary(r));
    expect(compactionCrashLoopProblems(r)).toEqual([]);
    expect(r.kills).toBe(20);
    // Not a vacuous pass: records and tombstones were acknowledged, and the log that was checked has gaps,
    // which only a swapped-in compaction leaves.
    expect(r.acknowledged).toBeGreaterThan(r.kills);
    expect(r.tombstonesAcknowledged).toBeGreaterThan(0);
    expect(r.gaps).toBeGreaterThan(0);
  }, 90_000);
});
