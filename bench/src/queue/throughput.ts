import { performance } from 'node:perf_hooks';
import { producePhase } from '../phases.js';
import { cpuSeconds } from '../proc-stats.js';
import type { TargetInstance } from '../target.js';
import { MessageSource } from '../workload.js';
import { peerSetting, requireAddress, type QueuePeer } from './queue-peer.js';
import { WorkerProcess } from './worker-process.js';

/** A run that accepts nothing for this long has hung: fail it rather than the whole suite. */
const STALL_MS = 30_000;

export interface ThroughputCase {
  queue: string;
  records: number;
  keyBytes: number;
  valueBytes: number;
  workers: number;
  processes: number;
  concurrency: number;
  lockMs: number;
}

export interface ThroughputResult {
  /** Records accepted per second, from `go` to the last acceptance. */
  acceptedPerSec: number;
  seconds: number;
  /** Records produced per second while pre-filling (one producer, before any worker runs). */
  producedPerSec: number;
  serverCpuSeconds: number;
  workerCpuSeconds: number;
}

/**
 * Accepted records per second end to end: the queue is pre-filled with `records` records, then `workers`
 * workers spread over `processes` processes take and accept them all; timed from the moment they are told to
 * start (all connected by then) until the last record is accepted.
 */
export async function measureThroughput(peer: QueuePeer, instance: TargetInstance, c: ThroughputCase): Promise<ThroughputResult> {
  await peer.createQueue(instance, c.queue, { lockMs: c.lockMs });
  const t0 = performance.now();
  await producePhase(instance, c.queue, new MessageSource(c.keyBytes, c.valueBytes), c.records);
  const producedPerSec = c.records / ((performance.now() - t0) / 1000);

  const processes = spread(c.workers, c.processes).map((workers) =>
    WorkerProcess.start({ system: peer.target.system, setting: peerSetting(peer), address: requireAddress(instance.address), queue: c.queue, workers, concurrency: c.concurrency, hold: false }),
  );
  try {
    await Promise.all(processes.map((p) => p.ready));
    const serverCpu0 = cpuSeconds(instance.pid) ?? 0;
    const workerCpu0 = processes.map((p) => cpuSeconds(p.pid) ?? 0);
    const startedAt = performance.timeOrigin + performance.now();
    const done = allAccepted(processes, c.records);
    for (const p of processes) p.go();
    await done;
    const end = Math.max(...processes.map((p) => p.lastAcceptedAt));
    const seconds = (end - startedAt) / 1000;
    return {
      acceptedPerSec: c.records / seconds,
      seconds,
      producedPerSec,
      serverCpuSeconds: (cpuSeconds(instance.pid) ?? serverCpu0) - serverCpu0,
      workerCpuSeconds: processes.reduce((sum, p, i) => sum + (cpuSeconds(p.pid) ?? workerCpu0[i]) - workerCpu0[i], 0),
    };
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
  }
}

/** `workers` split over at most `processes` processes as evenly as possible (8 over 2 = 4 + 4). */
function spread(workers: number, processes: number): number[] {
  const n = Math.max(1, Math.min(workers, processes));
  return Array.from({ length: n }, (_, i) => Math.floor(workers / n) + (i < workers % n ? 1 : 0));
}

/** Resolves once the processes have accepted `records` between them; rejects if they stall. */
function allAccepted(processes: WorkerProcess[], records: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let lastTotal = 0;
    let lastProgress = performance.now();
    const check = (): void => {
      const total = processes.reduce((sum, p) => sum + p.accepted, 0);
      if (total !== lastTotal) {
        lastTotal = total;
        lastProgress = performance.now();
      }
      if (total >= records) finish(resolve);
    };
    const stall = setInterval(() => {
      if (performance.now() - lastProgress > STALL_MS) finish(() => reject(new Error(`workers stalled at ${lastTotal} of ${records} accepted`)));
    }, 1_000);
    const finish = (then: () => void): void => {
      clearInterval(stall);
      then();
    };
    for (const p of processes) p.onProgress(check);
  });
}
