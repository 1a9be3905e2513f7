import { Queue, QueueEvents } from 'bullmq';
import { createTasks } from '@klog/tasks';
import { NOOP_TASK, type TaskSystemName } from './protocol.js';

/** How long the suite waits for one task's outcome before calling the run failed. */
const RESULT_TIMEOUT_MS = 600_000;

/**
 * The enqueueing side of one measurement: `submit(i)` enqueues task i (resolves once it is enqueued) and gives a
 * promise of its outcome, the time its handler started, read back as its result, as a user would read it.
 */
export interface TaskClient {
  submit(i: number): Promise<{ started: Promise<number> }>;
  close(): Promise<void>;
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

export async function taskClient(system: TaskSystemName, address: string, queue: string): Promise<TaskClient> {
  return system === 'klog' ? klogClient(address, queue) : bullmqClient(address, queue);
}

async function klogClient(address: string, app: string): Promise<TaskClient> {
  const tasks = createTasks({ brokers: [address], app, logger: quiet });
  const noop = tasks.define(NOOP_TASK, (_ctx, _i: number) => 0);
  return {
    async submit(i) {
      const handle = await noop.delay(i);
      return { started: handle.result({ timeoutMs: RESULT_TIMEOUT_MS }) };
    },
    close: () => tasks.close(),
  };
}

async function bullmqClient(address: string, name: string): Promise<TaskClient> {
  const [host, port] = address.split(':');
  const connection = { host: host!, port: Number(port), maxRetriesPerRequest: null };
  const queue = new Queue(name, { connection });
  // Each add in flight listens on the queue for a moment: 64 at once are expected, not a leak.
  queue.setMaxListeners(0);
  const events = new QueueEvents(name, { connection });
  await events.waitUntilReady();
  return {
    async submit(i) {
      const job = await queue.add(NOOP_TASK, { i });
      return { started: job.waitUntilFinished(events, RESULT_TIMEOUT_MS) as Promise<number> };
    },
    async close() {
      await events.close();
      await queue.close();
    },
  };
}
