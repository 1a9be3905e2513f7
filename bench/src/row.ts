import type { FsyncClass } from './target.js';

export type Phase = 'produce' | 'consume' | 'e2e-latency';
export type RowSuite = 'throughput' | 'latency' | 'scale';

export interface LatencySummary {
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** One line of the report: one (system, setting, phase, shape) measured, or skipped with a reason. */
export interface Row {
  suite: RowSuite;
  system: string;
  setting: string;
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
  /** CPU of this process: the benchmark's client side (the same figure as serverCpuSeconds when embedded). */
  clientCpuSeconds: number;
  skipped: string | null;
}
