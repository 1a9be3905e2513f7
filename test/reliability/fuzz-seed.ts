// Seeds and sizes of the fuzz runs, from the environment, so that a failing run can be replayed exactly:
//   KLOG_FUZZ_SEED=<seed printed by the failing run> npx vitest run <file>
// KLOG_FUZZ_CASES sets the protocol fuzz's number of cases.

function intFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return n;
}

/** KLOG_FUZZ_SEED when set, else a fresh seed (fast-check's range: a 32-bit signed integer). */
export function fuzzSeed(): number {
  return intFromEnv('KLOG_FUZZ_SEED') ?? ((Date.now() ^ Math.floor(Math.random() * 0x100000000)) | 0);
}

/** KLOG_FUZZ_CASES when set (at least 1), else `fallback`. */
export function fuzzCases(fallback: number): number {
  const n = intFromEnv('KLOG_FUZZ_CASES');
  if (n !== undefined && n < 1) throw new Error(`KLOG_FUZZ_CASES must be at least 1, got ${n}`);
  return n ?? fallback;
}

/**
 * fast-check parameters for a property: the seed is chosen here, so it is the same for every property of the
 * file, and it is given to fast-check, which names it (with the counterexample and its path) in any failure.
 */
export function propertyParameters(numRuns: number, seed = fuzzSeed()): { numRuns: number; seed: number } {
  return { numRuns, seed };
}
