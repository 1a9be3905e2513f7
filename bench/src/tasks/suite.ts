/**
 * `npm run bench -- --suites tasks`: background tasks, klog (@klog/tasks on a klog broker) beside BullMQ (on the
 * Redis the bench starts, bench/src/targets/redis.ts), same machine, same run. Workers run in processes of their
 * own (1 and 4, each running CONCURRENCY tasks at once); one client in this process enqueues no-op tasks and reads
 * every outcome back. Two figures: tasks/s end to end (first delay to the last SUCCESS read), and the time from
 * `delay` to the handler's start at a steady rate, below both systems' capacity. Each is the median of `--runs`
 * runs (default 3), with the range; CPU seconds (user + sys) of client, workers and server are given beside, since wall time on a
 * shared machine is noisy. Both servers keep their default durability (klog fsync 'never', Redis without AOF).
 */
import { availableParallelism, loadavg } from 'node:os';
import type { BenchOptions } from '../options.js';
import { loadWarning, machine } from '../machine.js';
import { provenance } from '../provenance.js';
import { writeJson, writeJsonTo } from '../report.js';
import { klogBrokerTargets } from '../targets/klog-broker.js';
import { redisTargets } from '../targets/redis.js';
import type { Target, TargetInstance } from '../target.js';
import { measureLatency, measureThroughput, type LatencyRun, type Setup, type ThroughputRun } from './measure.js';
import type { TaskSystemName } from './protocol.js';
import { tasksMarkdown } from './report.js';

const CONCURRENCY = 16;
const PROCESSES = [1, 4];

export interface TasksSuiteSizes {
  /** Tasks timed per throughput run. */
  tasks: number;
  /** Tasks run untimed first, through the same processes, before each throughput and latency run. */
  warmup: number;
  latencyRate: number;
  latencySeconds: number;
}

export interface TasksResults {
  sizes: TasksSuiteSizes;
  concurrency: number;
  throughput: { system: TaskSystemName; processes: number; runs: ThroughputRun[] }[];
  latency: { system: TaskSystemName; processes: number; runs: LatencyRun[] }[];
}

/**
 * Each run first sends 20,000 tasks untimed through the processes it then times (both systems alike): task
 * workers are long-lived, and cold processes spent most of a short run in the JIT's warm-up. Measured with klog's
 * one worker process: about 150 µs of CPU per task over the first 20,000 tasks of fresh processes, 65–75 µs once
 * warm (BullMQ's client and workers warm up too; Redis does not need to). Then 50,000 timed tasks, a few seconds
 * per run for either system; the latency runs 10 s at 200 tasks/s (2,000 samples, so p99 is the 20th worst).
 */
export function tasksSizes(quick: boolean): TasksSuiteSizes {
  return quick
    ? { tasks: 2_000, warmup: 1_000, latencyRate: 200, latencySeconds: 2 }
    : { tasks: 50_000, warmup: 20_000, latencyRate: 200, latencySeconds: 10 };
}

const SERVERS: Record<TaskSystemName, { target: () => Target | undefined }> = {
  klog: { target: () => klogBrokerTargets.find((t) => t.setting === 'fsync-never') },
  bullmq: { target: () => redisTargets.find((t) => t.setting === 'memory') },
};

async function startServer(system: TaskSystemName): Promise<TargetInstance | string> {
  const target = SERVERS[system].target();
  if (target === undefined) return 'no such target';
  const reason = await target.unavailable();
  if (reason !== null) return reason;
  return target.start();
}

export async function runTasksSuite(options: BenchOptions, argv: string[]): Promise<TasksResults> {
  const sizes = tasksSizes(argv.includes('--quick'));
  const runs = options.runs;
  // `--only klog` or `--only bullmq` runs one system (other --only names are other suites' and leave both).
  const only = (['klog', 'bullmq'] as const).filter((s) => options.only.includes(s));
  const systems = only.length > 0 ? only : (['klog', 'bullmq'] as const);
  const startedAt = new Date();
  const loadAtStart = loadavg()[0]!;
  const results: TasksResults = { sizes, concurrency: CONCURRENCY, throughput: [], latency: [] };
  const servers = new Map<TaskSystemName, TargetInstance>();
  let n = 0;
  try {
    for (const system of systems) {
      const s = await startServer(system);
      if (typeof s === 'string') process.stderr.write(`bench: tasks suite: ${system} skipped: ${s}\n`);
      else servers.set(system, s);
    }
    const setup = (system: TaskSystemName, processes: number): Setup => {
      const server = servers.get(system)!;
      return { system, address: server.address!, serverPid: server.pid, queue: `tasks-bench-${n++}`, processes, concurrency: CONCURRENCY };
    };
    for (const system of servers.keys()) {
      for (const processes of PROCESSES) results.throughput.push({ system, processes, runs: [] });
      results.latency.push({ system, processes: 1, runs: [] });
    }
    // Runs interleaved (klog, BullMQ, klog, …) so that a change in the machine's load falls on both systems.
    for (let run = 0; run < runs; run++) {
      for (const row of results.throughput) {
        row.runs.push(await measureThroughput(setup(row.system, row.processes), sizes.tasks, sizes.warmup));
        process.stderr.write(`bench: tasks ${row.system} ${row.processes} process(es) run ${run + 1}: ${Math.round(row.runs.at(-1)!.tasksPerSec)} tasks/s\n`);
      }
      for (const row of results.latency) {
        row.runs.push(await measureLatency(setup(row.system, row.processes), sizes.latencyRate, sizes.latencySeconds, sizes.warmup));
        const last = row.runs.at(-1)!;
        process.stderr.write(`bench: tasks ${row.system} latency run ${run + 1}: p50 ${last.p50.toFixed(2)} ms, p99 ${last.p99.toFixed(2)} ms\n`);
      }
    }
  } finally {
    for (const s of servers.values()) await s.stop();
  }
  const header = [
    `## Background tasks — ${startedAt.toISOString()}`,
    '',
    `Node ${process.version}, ${availableParallelism()} CPUs. Worker processes run ${CONCURRENCY} tasks at once each; one client enqueues ` +
      `(${sizes.tasks.toLocaleString('en-US')} no-op tasks per throughput run, after ${sizes.warmup.toLocaleString('en-US')} untimed ones through the same processes) ` +
      `and reads every outcome back. Median of ${runs} run(s) [min–max].`,
  ];
  const warning = loadWarning(loadAtStart);
  if (warning) header.push('', warning);
  process.stdout.write(`${[...header, '', ...tasksMarkdown(results)].join('\n')}\n`);
  const body = {
    suite: 'tasks', startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), ...provenance(), machine: machine(),
    loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadavg()[0], tasks: results,
  };
  const file = writeJson(options.resultsDir, 'tasks', startedAt, body);
  process.stdout.write(`\nJSON: ${file}\n`);
  if (options.saveAs !== null) process.stdout.write(`JSON kept: ${writeJsonTo(options.saveAs, body)}\n`);
  return results;
}

/**
 * For run.ts: runs the tasks suite when `--suites` names it and takes it off the list, so the other suites run as
 * they would without it; true when no other suite is left to run.
 */
export async function runTasksSuiteFirst(options: BenchOptions, argv: string[]): Promise<boolean> {
  if (!options.suites.includes('tasks')) return false;
  await runTasksSuite(options, argv);
  options.suites = options.suites.filter((s) => s !== 'tasks');
  return options.suites.length === 0;
}
