// A tasks module as a user would write one, for the cross-process tests and `klog worker`: the broker comes from
// KLOG_BROKER, executions are logged (one JSON line each) to KLOG_TASKS_LOG when set.
import { appendFileSync } from 'node:fs';
import { createTasks } from '@klog/tasks';

const log = process.env.KLOG_TASKS_LOG;
const note = (ctx, extra = {}) => {
  if (log) appendFileSync(log, `${JSON.stringify({ id: ctx.id, attempt: ctx.attempt, pid: process.pid, ...extra })}\n`);
};

export const tasks = createTasks({ brokers: [process.env.KLOG_BROKER ?? '127.0.0.1:7420'], lockMs: 5_000 });

export const add = tasks.define('add', async (ctx, a, b) => {
  note(ctx);
  return a + b;
});

export const work = tasks.define('work', async (ctx, n, ms) => {
  note(ctx, { n });
  await new Promise((r) => setTimeout(r, ms));
  return n;
}, { retries: 20, backoff: { type: 'fixed', delayMs: 0 } });

export const tick = tasks.define('tick', async (ctx) => {
  note(ctx);
});

if (process.env.KLOG_TASKS_EVERY) tasks.every(process.env.KLOG_TASKS_EVERY, tick);
