import type { FsyncClass } from './target.js';

export type Phase = 'produce' | 'consume' | 'e2e-latency';
/**
 * throughput, latency, scale: the side-by-side suites. capacity: the servers driven by C clients (kcat,
 * redis-benchmark), so no Node client limits them. producers: several producer processes against one broker.
 * engine: log-core alone, each step in a fresh process.
 */
export type RowSuite = 'throughput' | 'latency' | 'scale' | 'capacity' | 'producers' | 'engine';

export interface LatencySummary {
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** One measurement: one (system, setting, case, phase) in one run, or skipped with a reason. */
export interface Row {
  /** 1-based round of the run this row was measured in (every target runs once per round). */
  run: number;
  suite: RowSuite;
  /** Names the workload within its suite (the topic it used): tells apart rows of equal shape, e.g. two scale cases. */
  caseName: string;
  system: string;
  setting: string;
  /** What drove the system: its Node client, a C client, or several processes of one. */
  client: string;
  fsyncClass: FsyncClass;
  phase: Phase;
  partitions: number;
  keyBytes: number;
  valueBytes: number;
  records: number;
  seconds: number;
  recordsPerSec: number;
  /** (key + value) bytes per second, in 10^6 bytes. */
  mbPerSec: number;
  latencyMs: LatencySummary | null;
  peakRssMb: number;
  /** CPU of the process doing the storage work (the server, or this process for embedded targets). */
  serverCpuSeconds: number;
  /**
   * CPU of the client: this process, or the client processes it started (kcat, redis-benchmark, producer
   * children). The same figure as serverCpuSeconds when embedded.
   */
  clientCpuSeconds: number;
  /** clientCpuSeconds ÷ records × 10^6: the client's cost of a million records. */
  clientCpuPerMillion: number;
  skipped: string | null;
}
