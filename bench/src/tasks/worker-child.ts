/**
 * Child-process entry of the tasks suite: one worker process of one system, running the no-op task with
 * `concurrency` at once until told to stop. Usage: node worker-child.js <TaskWorkerConfig JSON> (forked).
 */
import { Worker as BullWorker } from 'bullmq';
import { createTasks } from '@klog/tasks';
import { NOOP_TASK, nowMs, type FromTaskWorker, type TaskWorkerConfig, type ToTaskWorker } from './protocol.js';

const config = JSON.parse(process.argv[2] ?? '{}') as TaskWorkerConfig;
if (!process.send) throw new Error('worker-child runs as a forked child of the tasks suite');
// If the benchmark dies, so do we.
process.once('disconnect', () => process.exit(1));
const send = (msg: FromTaskWorker): void => void process.send?.(msg);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

async function start(): Promise<() => Promise<void>> {
  if (config.system === 'klog') {
    const tasks = createTasks({ brokers: [config.address], app: config.queue, logger: quiet });
    tasks.define(NOOP_TASK, (_ctx, _i: number) => nowMs());
    await tasks.worker({ concurrency: config.concurrency, handleSignals: false });
    return () => tasks.close();
  }
  const [host, port] = config.address.split(':');
  const worker = new BullWorker(config.queue, async () => nowMs(), {
    connection: { host: host!, port: Number(port), maxRetriesPerRequest: null },
    concurrency: config.concurrency,
  });
  await worker.waitUntilReady();
  return () => worker.close();
}

let close: () => Promise<void>;
try {
  close = await start();
} catch (err) {
  send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
}
process.on('message', (_msg: ToTaskWorker) => {
  void close().finally(() => process.exit(0));
});
send({ type: 'ready' });
