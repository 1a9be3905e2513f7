// Soak, CI-sized: 60 s of mixed load on a broker process — 8 producers, 2 groups of 4 consumers over 12
// partitions, a member leaving and another joining every 5 s. Every group processes every acknowledged record;
// members leave in order (commit, then leave), so no record may be processed twice; the broker's RSS shows no
// growth trend after warm-up (soakProblems: under 48 MB) and stays under a generous ceiling.
// Longer: npm run soak -- --suite soak --seconds 3600.
import { afterAll, expect, it } from 'vitest';
import { runSoak, soakProblems, soakSummary, type SoakResult } from '../../bench/src/reliability/soak.js';
import { removeTempDirs, tempDir } from './temp-dirs.js';

afterAll(removeTempDirs);

/** The broker idles well under 100 MB and stayed near it in the soak (about 100 MB at most measured). */
const SOAK_RSS_CEILING_MB = 300;

/** What every soak run must show beyond soakProblems: the load ran, members changed, RSS stayed bounded. */
function expectSoakRan(r: SoakResult, seconds: number): void {
  expect(r.acknowledged).toBeGreaterThan(0);
  // A member change every 5 s: at least half of them, counted (not timed).
  expect(r.churns).toBeGreaterThanOrEqual(Math.floor(seconds / 10));
  for (const g of r.groups) expect(g.processed).toBeGreaterThanOrEqual(r.acknowledged);
  expect(r.rssMb.length, 'RSS samples, one a second').toBeGreaterThanOrEqual(Math.floor(seconds / 2));
  expect(Math.max(...r.rssMb)).toBeLessThan(SOAK_RSS_CEILING_MB);
}

it('60 s of mixed load with members joining and leaving: nothing lost, nothing repeated, no RSS growth', async () => {
  const seconds = Number(process.env.KLOG_SOAK_SECONDS ?? 60);
  const r = await runSoak({ dataDir: tempDir(), seconds });
  console.log(soakSummary(r));
  expect(soakProblems(r)).toEqual([]);
  expectSoakRan(r, seconds);
}, 240_000);

// eachBatch stops before a batch fetched ahead of a close or rebalance, as eachMessage does before a message.
it('the same with eachBatch handlers: no record processed twice on orderly leaves', async () => {
  const r = await runSoak({ dataDir: tempDir(), seconds: 30, handler: 'eachBatch' });
  console.log(soakSummary(r));
  expect(soakProblems(r)).toEqual([]);
  expectSoakRan(r, 30);
}, 240_000);
