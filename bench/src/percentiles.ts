import type { LatencySummary } from './row.js';

/** Nearest-rank percentiles of the samples (which it sorts in place). */
export function summarize(samples: Float64Array): LatencySummary {
  if (samples.length === 0) return { p50: Number.NaN, p99: Number.NaN, p999: Number.NaN, max: Number.NaN };
  samples.sort();
  const at = (q: number): number => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)];
  return { p50: at(0.5), p99: at(0.99), p999: at(0.999), max: samples[samples.length - 1] };
}
