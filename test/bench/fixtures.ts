import type { LatencySummary, Row } from '../../bench/src/row.js';

/** A measured row of the given case and figures; everything not given is a plausible constant. */
export function row(over: Partial<Row> & Pick<Row, 'system' | 'setting'>): Row {
  return {
    run: 1,
    suite: 'throughput',
    caseName: 'tput-1p',
    client: 'test client',
    fsyncClass: 'none',
    phase: 'produce',
    partitions: 1,
    keyBytes: 16,
    valueBytes: 100,
    records: 1_000_000,
    seconds: 1,
    recordsPerSec: 1_000_000,
    mbPerSec: 116,
    latencyMs: null,
    peakRssMb: 100,
    serverCpuSeconds: 1,
    clientCpuSeconds: 1,
    clientCpuPerMillion: 1,
    skipped: null,
    ...over,
  };
}

export function latency(p99: number): LatencySummary {
  return { p50: p99 / 4, p99, p999: p99 * 2, max: p99 * 3 };
}
