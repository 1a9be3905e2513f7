/** Messages between the queue suite and its worker processes (over the fork IPC channel). */

export interface WorkerConfig {
  /** Which QueuePeer's workers to run: its target's system name. */
  system: string;
  /** …and its setting (peerSetting), as one system may have two peers. */
  setting: string;
  address: string;
  queue: string;
  /** Workers in this process, each with its own connection. */
  workers: number;
  concurrency: number;
  hold: boolean;
}

/** Parent → worker process: `go` starts taking records; `stop` closes the workers and exits. */
export type ToWorker = { type: 'go' } | { type: 'stop' };

/** Worker process → parent. Times are epoch milliseconds (performance.timeOrigin + now), comparable across processes. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; delivered: number; accepted: number; lastAcceptedAt: number }
  | { type: 'failed'; message: string };
