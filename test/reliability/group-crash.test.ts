// At-least-once consumer groups under kill -9: group members with auto-commit, each in its own process, SIGKILLed and restarted at
// random. Every record is processed at least once; duplicates never exceed what the killed members had processed
// beyond the group's committed offsets at the moment of each kill.
import { afterAll, expect, it } from 'vitest';
import { groupCrashProblems, groupCrashSummary, runGroupCrashLoop } from '../../bench/src/reliability/group-crash-loop.js';
import { removeTempDirs, tempDir } from './temp-dirs.js';

afterAll(removeTempDirs);

it('members killed at random: every record processed at least once, duplicates within the uncommitted bound', async () => {
  const r = await runGroupCrashLoop({ dataDir: tempDir(), kills: 8 });
  console.log(groupCrashSummary(r));
  expect(groupCrashProblems(r)).toEqual([]);
  expect(r.processedOnce).toBe(r.produced);
  expect(r.kills).toBe(8);
  expect(r.produced, 'records produced and processed').toBeGreaterThan(0);
}, 180_000);
