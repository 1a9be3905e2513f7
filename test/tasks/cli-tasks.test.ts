// klog task status|list|retry|revoke against a real broker, with tasks enqueued and run in this process.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from '@klog/client';
import { createTasks, type Tasks } from '@klog/tasks';
import { runKlog, startTestBroker, type TestBroker } from '../cli/klog-harness.js';
import { silentLogger } from './helpers.js';

let tb: TestBroker;
let tasks: Tasks;
beforeAll(async () => {
  tb = await startTestBroker();
  tasks = createTasks({ brokers: [tb.address], logger: silentLogger, lockMs: 7_000 });
});
afterAll(async () => {
  await tasks?.close();
  await tb?.stop();
});

it('status and list (table and --json), retry of a FAILURE, revoke of a task not yet due, and a refused retry', async () => {
  let failing = true;
  const flaky = tasks.define('flaky', async (_ctx, n: number) => {
    if (failing) throw new RangeError(`bad ${n}`);
    return n + 1;
  }, { retries: 0 });
  const later = tasks.define('later', async () => 'ran');
  await tasks.worker({ handleSignals: false });
  const failed = await flaky.delay(41);
  await expect(failed.result({ timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'TASK_FAILED' });

  const status = await runKlog(['task', 'status', failed.id], { broker: tb.address });
  expect(status.code, status.stderr).toBe(0);
  expect(status.stdout.toString()).toMatch(new RegExp(`^${failed.id}\\s+flaky\\s+FAILURE\\s+1\\s+-\\s+\\d+s ago\\s+RangeError: bad 41$`, 'm'));
  expect(status.stdout.toString()).toContain('RangeError: bad 41\n    at '); // the stack follows the table

  const json = await runKlog(['task', 'list', '--state', 'FAILURE', '--json'], { broker: tb.address });
  expect(JSON.parse(json.stdout.toString())).toEqual([expect.objectContaining({ id: failed.id, state: 'FAILURE', name: 'flaky' })]);

  failing = false;
  const retry = await runKlog(['task', 'retry', failed.id], { broker: tb.address });
  expect(retry.code, retry.stderr).toBe(0);
  expect(retry.stderr).toContain(`klog: task flaky ${failed.id} enqueued again`);
  expect(await failed.result({ timeoutMs: 10_000 })).toBe(42);

  const pending = await later.schedule({ countdownMs: 3_600_000 });
  const revoke = await runKlog(['task', 'revoke', pending.id], { broker: tb.address });
  expect(revoke.stderr).toContain(`klog: task ${pending.id} revoked`);
  expect((await tasks.status(pending.id)).state).toBe('REVOKED');

  const unknown = await runKlog(['task', 'retry', 'no-such-task'], { broker: tb.address });
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('no task with this id');

  const list = await runKlog(['task', 'list'], { broker: tb.address });
  const rows = list.stdout.toString().trim().split('\n');
  expect(rows[0]).toMatch(/^TASK\s+NAME\s+STATE\s+ATTEMPTS\s+PROGRESS\s+UPDATED\s+ERROR$/);
  expect(rows.slice(1).map((r) => r.split(/\s+/).slice(1, 3))).toEqual([['flaky', 'SUCCESS'], ['later', 'REVOKED']]);

  // The commands (default settings) left the queue as the worker (lockMs 7 s) set it.
  const client = createClient({ brokers: [tb.address] });
  expect((await client.admin().describeQueue('tasks')).config.lockMs).toBe(7_000);
  await client.close();
}, 60_000);
