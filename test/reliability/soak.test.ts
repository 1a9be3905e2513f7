// Soak, CI-sized: 60 s of mixed load on a broker process — 8 producers, 2 groups of 4
// consumers over 12 partitions, a member leaving and another joining every 5 s. Every group processes every
// acknowledged record; members leave in order (commit, then leave), so no record may be processed twice; the
// broker's RSS shows no growth trend. Longer: npm run soak -- --suite soak --seconds 3600.
import { afterAll, expect, it } from 'vitest';
import { runSoak, soakProblems, soakSummary } from '../../bench/src/reliability/soak.js';
import { removeTempDirs, tempDir } from './temp-dirs.js';

afterAll(removeTempDirs);

it('60 s of mixed load with members joining and leaving: nothing lost, nothing repeated, no RSS growth', async () => {
  const r = await runSoak({ dataDir: tempDir(), seconds: Number(process.env.KLOG_SOAK_SECONDS ?? 60) });
  console.log(soakSummary(r));
  expect(soakProblems(r)).toEqual([]);
  expect(r.churns).toBeGreaterThan(0);
}, 240_000);

// BUG: GroupConsumer.run with eachBatch hands out a batch fetched before close() (or before a rebalance was
// flagged) after close() has already committed and left: the batch is processed but never committed, and the
// partition's next owner processes it again (18-19 duplicates per group in a 30 s run). The eachMessage path
// checks `this.rejoin || this.closed` before each message; eachBatch does not. Unskip once fixed.
it('the same with eachBatch handlers: no record processed twice on orderly leaves', async () => {
  const r = await runSoak({ dataDir: tempDir(), seconds: 30, handler: 'eachBatch' });
  console.log(soakSummary(r));
  expect(soakProblems(r)).toEqual([]);
}, 240_000);
