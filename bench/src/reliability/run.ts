/**
 * `npm run soak`: the reliability suite's long runs, with real broker processes. CI runs the same scenarios
 * sized down (test/reliability). Flags: --suite crash | crash-interval | compaction | groups | soak | all (default all),
 * --kills N (crash loops, default 500; compaction and groups default 50), --seconds N (soak, default 600).
 * Prints one summary line per suite; exits 1 if any promise was broken.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactionCrashLoopProblems, compactionCrashLoopSummary, runCompactionCrashLoop } from './compaction-crash-loop.js';
import { crashLoopProblems, crashLoopSummary, runCrashLoop } from './crash-loop.js';
import { groupCrashProblems, groupCrashSummary, runGroupCrashLoop } from './group-crash-loop.js';
import { runSoak, soakProblems, soakSummary } from './soak.js';

const SUITES = ['crash', 'crash-interval', 'compaction', 'groups', 'soak'] as const;
type Suite = (typeof SUITES)[number];

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

function positive(argv: string[], name: string): number | undefined {
  const v = flag(argv, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got "${v}"`);
  return n;
}

async function runSuite(suite: Suite, argv: string[], dataDir: string): Promise<string[]> {
  const kills = positive(argv, 'kills');
  switch (suite) {
    case 'crash': {
      const r = await runCrashLoop({ dataDir, fsync: 'always', kills: kills ?? 500 });
      console.log(crashLoopSummary(r, 'always'));
      return crashLoopProblems(r);
    }
    case 'crash-interval': {
      const r = await runCrashLoop({ dataDir, fsync: 100, kills: kills ?? 500 });
      console.log(crashLoopSummary(r, 'interval 100 ms'));
      return crashLoopProblems(r);
    }
    case 'compaction': {
      const r = await runCompactionCrashLoop({ dataDir, kills: kills ?? 50 });
      console.log(compactionCrashLoopSummary(r));
      return compactionCrashLoopProblems(r);
    }
    case 'groups': {
      const r = await runGroupCrashLoop({ dataDir, kills: kills ?? 50, records: 200_000 });
      console.log(groupCrashSummary(r));
      return groupCrashProblems(r);
    }
    case 'soak': {
      const r = await runSoak({ dataDir, seconds: positive(argv, 'seconds') ?? 600 });
      console.log(soakSummary(r));
      return soakProblems(r);
    }
  }
}

async function main(argv: string[]): Promise<void> {
  const which = flag(argv, 'suite') ?? 'all';
  if (which !== 'all' && !SUITES.includes(which as Suite)) throw new Error(`--suite is one of ${SUITES.join(', ')} or all, got "${which}"`);
  const suites = which === 'all' ? [...SUITES] : [which as Suite];
  const problems: string[] = [];
  for (const suite of suites) {
    const dataDir = mkdtempSync(join(tmpdir(), `klog-soak-${suite}-`));
    try {
      problems.push(...(await runSuite(suite, argv, dataDir)).map((p) => `${suite}: ${p}`));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  for (const p of problems) console.error(`BROKEN: ${p}`);
  process.exitCode = problems.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
});
