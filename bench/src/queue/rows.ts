import type { HolderFate } from './queue-peer.js';

/** One throughput case of the queue suite: a system at one worker count, measured or skipped with a reason. */
export interface QueueRow {
  system: string;
  setting: string;
  workers: number;
  processes: number;
  concurrency: number;
  /** What each worker held at most (records handled and fetched ahead), as the table prints it. */
  holds: string;
  records: number;
  seconds: number;
  acceptedPerSec: number;
  producedPerSec: number;
  /** CPU of the server process, and of all worker processes together, during the accepting phase. */
  serverCpuSeconds: number;
  workerCpuSeconds: number;
  skipped: string | null;
}

/** Redelivery latency of one system for one way of failing the holder, in ms per trial. */
export interface RedeliveryRow {
  system: string;
  setting: string;
  fate: HolderFate;
  lockMs: number;
  samplesMs: number[];
  skipped: string | null;
}
