// Shared by the tasks tests: an embedded tasks app over a fresh LogStore driven by a ManualClock, and waiting on
// a condition in real time (a safety net, never a timing assertion).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogStore, type Logger } from '@klog/log-core';
import { ManualClock } from '@klog/queue';
import { createTasks, type Tasks, type TasksOptions } from '@klog/tasks';

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface EmbeddedApp {
  tasks: Tasks;
  store: LogStore;
  clock: ManualClock;
  close(): Promise<void>;
}

export async function embeddedApp(opts: Partial<TasksOptions> = {}): Promise<EmbeddedApp> {
  const dir = await mkdtemp(join(tmpdir(), 'klog-tasks-'));
  const store = await LogStore.open(dir, { fsync: 'never', logger: silentLogger });
  const clock = new ManualClock(Date.UTC(2030, 0, 1));
  const tasks = createTasks({ store, clock, logger: silentLogger, ...opts });
  return {
    tasks,
    store,
    clock,
    close: async () => {
      await tasks.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * A promise that rejects, with an Error naming ctx.signal's reason, once the attempt is aborted (revoke, timeout,
 * shutdown): what a handler awaits to stand for work that listens to its signal. `onAbort` sees the raw reason first.
 */
export function abortedOf(ctx: { signal: AbortSignal }, onAbort: (reason: unknown) => void = () => {}): Promise<never> {
  return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => {
    onAbort(ctx.signal.reason);
    reject(new Error(String(ctx.signal.reason)));
  }, { once: true }));
}
