/** Messages between the tasks suite and its worker processes (worker-child.ts), over the IPC channel. */

export type TaskSystemName = 'klog' | 'bullmq';

export interface TaskWorkerConfig {
  system: TaskSystemName;
  /** host:port of the klog broker or of Redis. */
  address: string;
  /** The klog app or the BullMQ queue: a fresh one per measurement. */
  queue: string;
  /** Tasks run at once in the process. */
  concurrency: number;
}

export type FromTaskWorker = { type: 'ready' } | { type: 'failed'; message: string };
export type ToTaskWorker = { type: 'stop' };

/** The no-op task both systems run: it returns when it started (epoch ms, sub-ms), for the delay→start latency. */
export const NOOP_TASK = 'noop';

export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
