import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

/** The machine a result was measured on, recorded with every JSON result. */
export function machine(): Record<string, unknown> {
  return {
    node: process.version,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: totalmem() / 2 ** 30,
    loadAverage1m: loadavg()[0],
  };
}

/**
 * A warning line when other work was running: a benchmark shares the machine, and a 1-minute load average above
 * the CPU count at the start or end means the figures are not clean.
 */
export function loadWarning(atStart: number): string | null {
  const atEnd = loadavg()[0];
  const limit = availableParallelism();
  return Math.max(atStart, atEnd) > limit
    ? `**Warning: the machine was busy (1-min load average ${atStart.toFixed(1)} at start, ${atEnd.toFixed(1)} at end, on ${limit} CPUs): other processes competed for CPU; rerun on an idle machine before quoting these figures.**`
    : null;
}
