import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSeconds } from '../proc-stats.js';
import { summarize } from '../percentiles.js';
import { nowMs, type TaskSystemName } from './protocol.js';
import { taskClient, type TaskClient } from './systems.js';
import { TaskWorkerProcess } from './worker-process.js';

/** Enqueue calls in flight from the one client in the throughput measurement: both systems get the same window. */
export const ENQUEUE_WINDOW = 64;

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

/** Workers started and warm (one task done end to end), a client, and CPU counters read around `body`. */
async function withSetup<T>(s: Setup, body: (client: TaskClient) => Promise<T>): Promise<{ value: T; cpu: CpuSpent }> {
  const workers = await TaskWorkerProcess.startAll(s.processes, { system: s.system, address: s.address, queue: s.queue, concurrency: s.concurrency });
  const client = await taskClient(s.system, s.address, s.queue);
  try {
    await (await client.submit(-1)).started; // topics, queue and connections exist before the clock starts
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

/** `tasks` no-op tasks enqueued with ENQUEUE_WINDOW calls in flight; timed from the first delay to the last outcome read. */
export async function measureThroughput(s: Setup, tasks: number): Promise<ThroughputRun> {
  const { value: seconds, cpu } = await withSetup(s, async (client) => {
    const t0 = performance.now();
    const outcomes: Promise<number>[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(ENQUEUE_WINDOW, tasks) }, async () => {
      while (next < tasks) {
        const i = next++;
        outcomes.push((await client.submit(i)).started);
      }
    }));
    await Promise.all(outcomes);
    return (performance.now() - t0) / 1_000;
  });
  return { tasks, seconds, tasksPerSec: tasks / seconds, cpu };
}

/** Tasks enqueued at a steady `rate` for `seconds`: the time from each delay call to its handler's start. */
export async function measureLatency(s: Setup, rate: number, seconds: number): Promise<LatencyRun> {
  const { value: samples, cpu } = await withSetup(s, async (client) => {
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
