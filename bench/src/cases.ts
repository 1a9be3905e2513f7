import type { Row } from './row.js';
import { spreadOf, type Spread } from './spread.js';

/**
 * One case (a system at a setting, one workload, one phase) over every run of it: the figures the report prints
 * and the goals are judged on, each as a median with its range.
 */
export interface CaseSummary extends Pick<Row, 'suite' | 'caseName' | 'system' | 'setting' | 'client' | 'fsyncClass'
  | 'phase' | 'partitions' | 'keyBytes' | 'valueBytes' | 'records'> {
  /** Runs measured; runs that failed are in `failures`, not here. */
  runs: number;
  recordsPerSec: Spread;
  mbPerSec: Spread;
  /** Latency cases only. */
  p50Ms: Spread | null;
  p99Ms: Spread | null;
  p999Ms: Spread | null;
  peakRssMb: Spread;
  serverCpuSeconds: Spread;
  clientCpuSeconds: Spread;
  clientCpuPerMillion: Spread;
  /** Why runs were skipped or failed, one entry per such run. */
  failures: string[];
}

/** Rows of the same case share this key: the run number is the only thing that differs between them. */
export function caseKey(r: Pick<Row, 'suite' | 'caseName' | 'system' | 'setting' | 'client' | 'phase'>): string {
  return [r.suite, r.caseName, r.system, r.setting, r.client, r.phase].join('|');
}

/** Groups rows by case, in the order cases first appear (the first run's order), and summarizes each. */
export function summarizeCases(rows: readonly Row[]): CaseSummary[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = caseKey(r);
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].map(summarize);
}

function summarize(group: Row[]): CaseSummary {
  const measured = group.filter((r) => r.skipped === null);
  const first = measured[0] ?? group[0];
  const of = (pick: (r: Row) => number): Spread => spreadOf(measured.map(pick));
  const latency = measured.filter((r) => r.latencyMs !== null);
  const latencyOf = (pick: (l: NonNullable<Row['latencyMs']>) => number): Spread | null =>
    latency.length > 0 ? spreadOf(latency.map((r) => pick(r.latencyMs!))) : null;
  return {
    suite: first.suite,
    caseName: first.caseName,
    system: first.system,
    setting: first.setting,
    client: first.client,
    fsyncClass: first.fsyncClass,
    phase: first.phase,
    partitions: first.partitions,
    keyBytes: first.keyBytes,
    valueBytes: first.valueBytes,
    records: first.records,
    runs: measured.length,
    recordsPerSec: of((r) => r.recordsPerSec),
    mbPerSec: of((r) => r.mbPerSec),
    p50Ms: latencyOf((l) => l.p50),
    p99Ms: latencyOf((l) => l.p99),
    p999Ms: latencyOf((l) => l.p999),
    peakRssMb: of((r) => r.peakRssMb),
    serverCpuSeconds: of((r) => r.serverCpuSeconds),
    clientCpuSeconds: of((r) => r.clientCpuSeconds),
    clientCpuPerMillion: of((r) => r.clientCpuPerMillion),
    failures: group.flatMap((r) => (r.skipped === null ? [] : [`run ${r.run}: ${r.skipped}`])),
  };
}
