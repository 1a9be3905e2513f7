/**
 * Background tasks, klog (@klog/tasks over a klog broker) against BullMQ (over Redis), same machine, same run:
 * N no-op jobs enqueued from one client, then drained by one worker with concurrency C in this process, each
 * job's result awaited. Both servers run in processes of their own, with their default durability here (klog's
 * fsync 'never'; Redis with RDB and AOF off). Figures are one run on whatever machine this is: compare the two
 * rows with each other, not with other machines.
 * Usage (after npm run setup): node bench/dist/tasks-vs-bullmq.js [--jobs 5000] [--concurrency 8] [--json]
 */
import { fileURLToPath } from 'node:url';
import { availableParallelism, loadavg } from 'node:os';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { createTasks } from '@klog/tasks';
import { ensureBinary, serverVersion } from './ensure-binary.js';
import { freePort } from './free-port.js';
import { loadWarning } from './machine.js';
import { ServerProcess } from './server-process.js';
import { tempDataDir } from './temp-dir.js';

const BROKER_ENTRY = fileURLToPath(new URL('./klog-broker-server.js', import.meta.url));
/** Enqueue calls in flight from the one client: both libraries get the same window. */
const ENQUEUE_WINDOW = 64;

interface Row {
  system: string;
  jobs: number;
  concurrency: number;
  enqueuePerSec: number;
  drainPerSec: number;
  totalSeconds: number;
}

function flag(argv: string[], name: string, fallback: number): number {
  const at = argv.indexOf(name);
  if (at < 0) return fallback;
  const n = Number(argv[at + 1]);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} takes a positive whole number, got ${argv[at + 1]}`);
  return n;
}

/** Runs `make(i)` for i in [0, n) with at most `window` in flight; resolves with the results in order. */
async function windowed<T>(n: number, window: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(window, n) }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await make(i);
    }
  }));
  return out;
}

const seconds = (fromMs: number): number => (performance.now() - fromMs) / 1_000;

async function runKlog(jobs: number, concurrency: number): Promise<Row> {
  const dir = tempDataDir('tasks-klog');
  const port = await freePort();
  const server = await ServerProcess.start('klog-broker', process.execPath, [BROKER_ENTRY, dir.path, String(port), JSON.stringify('never')], port);
  const tasks = createTasks({ brokers: [`127.0.0.1:${port}`], app: 'bench' });
  try {
    const noop = tasks.define('noop', async (_ctx, n: number) => n);
    await noop.delay(-1).then((h) => h.id); // sets up the topics before the clock starts
    const t0 = performance.now();
    const handles = await windowed(jobs, ENQUEUE_WINDOW, (i) => noop.delay(i));
    const enqueueSeconds = seconds(t0);
    const t1 = performance.now();
    await tasks.worker({ concurrency, handleSignals: false });
    await Promise.all(handles.map((h) => h.result({ timeoutMs: 600_000 })));
    const drainSeconds = seconds(t1);
    return { system: 'klog tasks', jobs, concurrency, enqueuePerSec: jobs / enqueueSeconds, drainPerSec: jobs / drainSeconds, totalSeconds: seconds(t0) };
  } finally {
    await tasks.close();
    await server.stop();
    dir.remove();
  }
}

async function runBullmq(jobs: number, concurrency: number, redisServer: string): Promise<Row> {
  const dir = tempDataDir('tasks-redis');
  const port = await freePort();
  const server = await ServerProcess.start('redis-server', redisServer, [
    '--bind', '127.0.0.1', '--port', String(port), '--dir', dir.path, '--daemonize', 'no', '--save', '', '--appendonly', 'no',
  ], port);
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
  const queue = new Queue('bench', { connection });
  const events = new QueueEvents('bench', { connection });
  let worker: Worker | undefined;
  try {
    await events.waitUntilReady();
    await queue.add('noop', { n: -1 }); // connects before the clock starts
    const t0 = performance.now();
    const added = await windowed(jobs, ENQUEUE_WINDOW, (i) => queue.add('noop', { n: i }));
    const enqueueSeconds = seconds(t0);
    const t1 = performance.now();
    worker = new Worker('bench', async (job) => (job.data as { n: number }).n, { connection, concurrency });
    // Each job's result awaited, as handle.result() is for klog.
    await Promise.all(added.map((job) => job.waitUntilFinished(events, 600_000)));
    const drainSeconds = seconds(t1);
    return { system: 'BullMQ', jobs, concurrency, enqueuePerSec: jobs / enqueueSeconds, drainPerSec: jobs / drainSeconds, totalSeconds: seconds(t0) };
  } finally {
    await worker?.close();
    await events.close();
    await queue.close();
    await server.stop();
    dir.remove();
  }
}

async function main(argv: string[]): Promise<void> {
  const jobs = flag(argv, '--jobs', 5_000);
  const concurrency = flag(argv, '--concurrency', 8);
  const redis = ensureBinary('redis-server', 'redis-server');
  const load = loadavg()[0]!;
  const rows: Row[] = [await runKlog(jobs, concurrency)];
  if ('reason' in redis) process.stderr.write(`bench: BullMQ skipped: ${redis.reason}\n`);
  else rows.push(await runBullmq(jobs, concurrency, redis.path));
  if (argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(rows)}\n`);
    return;
  }
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  const lines = [
    `## Background tasks: ${jobs.toLocaleString('en-US')} no-op jobs, one worker with concurrency ${concurrency}`,
    '',
    `Node ${process.version}, ${availableParallelism()} CPUs${'reason' in redis ? '' : `, Redis ${serverVersion(redis.path, /v=(\S+)/)}`}.`,
    ...(loadWarning(load) === null ? [] : ['', loadWarning(load)!]),
    '',
    '| system | enqueue (jobs/s) | drain with results (jobs/s) | total (s) |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.system} | ${fmt(r.enqueuePerSec)} | ${fmt(r.drainPerSec)} | ${r.totalSeconds.toFixed(1)} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main(process.argv.slice(2));
