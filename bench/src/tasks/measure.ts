import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSeconds } from '../proc-stats.js';
import { summarize } from '../percentiles.js';
import { nowMs, type TaskSystemName } from './protocol.js';
import { taskClient, type TaskClient } from './systems.js';
import { TaskWorkerProcess } from './worker-process.js';

/**
 * Enqueue calls in flight from the one client in the throughput measurement: both systems get the same window.
 * Wide enough that the window is not what is measured: at 64, klog's tasks/s was bound by it (its workers waited
 * for work while the client waited for enqueue answers; 256 gave 10-40 % more), while BullMQ's, bound by CPU,
 * moved by under 10 %.
 */
export const ENQUEUE_WINDOW = 256;

export interface Setup {
  system: TaskSystemName;
  address: string;
  /** The server's PID, for its CPU seconds. */
  serverPid: number;
  /** A fresh app / queue name per measurement. */
  queue: string;
  processes: number;
  concurrency: number;
}

/** CPU seconds (user + sys) spent during a measurement, by who spent them. */
export interface CpuSpent {
  client: number;
  workers: number;
  server: number;
}

export interface ThroughputRun {
  tasks: number;
  seconds: number;
  tasksPerSec: number;
  cpu: CpuSpent;
}

export interface LatencyRun {
  rate: number;
  samples: number;
  p50: number;
  p99: number;
  cpu: CpuSpent;
}

/**
 * Workers started, a client, `warmup` tasks run through them untimed (after one done end to end, so that topics,
 * queue and connections exist), then CPU counters read around `body`. The warm-up is there because the workers,
 * the client and the broker are long-lived processes whose first tens of thousands of tasks run through code the
 * JIT has not optimised yet: a measurement of cold processes weighs that warm-up more, the fewer tasks it times.
 */
async function withSetup<T>(s: Setup, warmup: number, body: (client: TaskClient) => Promise<T>): Promise<{ value: T; cpu: CpuSpent }> {
  const workers = await TaskWorkerProcess.startAll(s.processes, { system: s.system, address: s.address, queue: s.queue, concurrency: s.concurrency });
  const client = await taskClient(s.system, s.address, s.queue);
  try {
    await (await client.submit(-1)).started;
    if (warmup > 0) await submitAll(client, warmup);
    const workerCpu = (): number => workers.reduce((sum, w) => sum + w.cpuSeconds(), 0);
    const clientCpu = (): number => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    };
    const before = { client: clientCpu(), workers: workerCpu(), server: cpuSeconds(s.serverPid) ?? 0 };
    const value = await body(client);
    const cpu = { client: clientCpu() - before.client, workers: workerCpu() - before.workers, server: (cpuSeconds(s.serverPid) ?? 0) - before.server };
    return { value, cpu };
  } finally {
    await client.close();
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/** `tasks` no-op tasks enqueued with ENQUEUE_WINDOW calls in flight; resolves once every outcome is read. */
async function submitAll(client: TaskClient, tasks: number): Promise<void> {
  const outcomes: Promise<number>[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(ENQUEUE_WINDOW, tasks) }, async () => {
    while (next < tasks) {
      const i = next++;
      outcomes.push((await client.submit(i)).started);
    }
  }));
  await Promise.all(outcomes);
}

/** After `warmup` untimed tasks, `tasks` more, timed from the first delay to the last outcome read. */
export async function measureThroughput(s: Setup, tasks: number, warmup: number): Promise<ThroughputRun> {
  const { value: seconds, cpu } = await withSetup(s, warmup, async (client) => {
    const t0 = performance.now();
    await submitAll(client, tasks);
    return (performance.now() - t0) / 1_000;
  });
  return { tasks, seconds, tasksPerSec: tasks / seconds, cpu };
}

/** After `warmup` untimed tasks, tasks enqueued at a steady `rate` for `seconds`: the time from each delay call to its handler's start. */
export async function measureLatency(s: Setup, rate: number, seconds: number, warmup: number): Promise<LatencyRun> {
  const { value: samples, cpu } = await withSetup(s, warmup, async (client) => {
    const total = Math.max(1, Math.round(rate * seconds));
    const latencies = new Float64Array(total);
    const outcomes: Promise<void>[] = [];
    const t0 = nowMs();
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1_000) / rate;
      const wait = due - nowMs();
      if (wait > 1) await sleep(wait);
      const sentAt = nowMs();
      outcomes.push(client.submit(i).then(({ started }) => started).then((startedAt) => void (latencies[i] = startedAt - sentAt)));
    }
    await Promise.all(outcomes);
    return latencies;
  });
  const { p50, p99 } = summarize(samples);
  return { rate, samples: samples.length, p50, p99, cpu };
}
