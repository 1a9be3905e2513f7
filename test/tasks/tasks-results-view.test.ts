// Each process's view of the results topic, over a real broker. It reads with gaps while nobody in its process
// waits on it, and a worker learns of revokes from the revokes topic, reading a task's state only on a notice: what
// must still hold, with a stream of short tasks flowing the whole time. And it forgets the tasks whose records
// retention deleted.
import { afterAll, describe, expect, it } from 'vitest';
import { createTasks, type Tasks } from '@klog/tasks';
import { clientFor, removeTempDirs, startTestBroker } from '../broker/fixture.js';
import { abortedOf, silentLogger } from './helpers.js';

afterAll(removeTempDirs);

function app(port: number): Tasks {
  return createTasks({ brokers: [`127.0.0.1:${port}`], logger: silentLogger });
}

/**
 * Defines the same tasks on a tasks object: `slow` runs until its ctx.signal aborts (and says why); `quick`
 * returns at once.
 */
function define(tasks: Tasks, onSlowStart: () => void = () => {}, onSlowAbort: (why: unknown) => void = () => {}) {
  const slow = tasks.define('slow', async (ctx) => {
    onSlowStart();
    await abortedOf(ctx, onSlowAbort);
  });
  const quick = tasks.define('quick', (_ctx, i: number) => i);
  return { slow, quick };
}

describe('tasks: the results view over a broker', () => {
  it('a revoke from another process still reaches a running task, and result() and status() in the worker process are current', async () => {
    const broker = await startTestBroker();
    const workerSide = app(broker.port);
    const clientSide = app(broker.port);
    let slowStarted!: () => void;
    const running = new Promise<void>((r) => (slowStarted = r));
    let slowAborted!: (why: unknown) => void;
    const aborted = new Promise<unknown>((r) => (slowAborted = r));
    define(workerSide, () => slowStarted(), (why) => slowAborted(why));
    const { slow, quick } = define(clientSide);
    let streaming = true;
    try {
      await workerSide.worker({ concurrency: 4, handleSignals: false });
      // Short tasks flowing the whole time: each of the view's reads brings records, so it paces its reads.
      const stream = (async () => {
        for (let i = 0; streaming; i++) await (await quick.delay(i)).result({ timeoutMs: 10_000 });
      })();
      const handle = await slow.delay();
      await running;
      expect(await clientSide.revoke(handle.id)).toBe(true);
      // The worker's own view, not the revoking process's, must bring the revoke to the handler.
      expect(await aborted).toBe('revoked');
      await expect(handle.result({ timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'TASK_REVOKED' });

      // In the worker's own process: a waiter there is served without gaps, and status() reads everything written.
      const here = workerSide.handle<number>('quick', (await quick.delay(41)).id);
      expect(await here.result({ timeoutMs: 10_000 })).toBe(41);
      const written = await quick.delay(42);
      expect(await written.result({ timeoutMs: 10_000 })).toBe(42);
      expect(await workerSide.status(written.id)).toMatchObject({ state: 'SUCCESS', result: 42 });
      streaming = false;
      await stream;
    } finally {
      streaming = false;
      await clientSide.close();
      await workerSide.close();
      await broker.close();
    }
  });

  it('a task whose records retention deleted reads PENDING again and is not listed, in a process that had read it', async () => {
    const broker = await startTestBroker();
    const tasks = app(broker.port);
    const admin = clientFor(broker);
    try {
      const t = tasks.define('t', (_ctx, n: number) => n);
      await tasks.worker({ handleSignals: false });
      const gone = await t.delay(1);
      expect(await gone.result({ timeoutMs: 10_000 })).toBe(1);
      const [end] = await admin.admin().fetchOffsets(tasks.topics.results, 'latest');
      // What retention does once resultTtlMs has passed: the records before an offset are deleted.
      await admin.admin().deleteRecords(tasks.topics.results, 0, end!.offset);
      const kept = await t.delay(2);
      expect(await kept.result({ timeoutMs: 10_000 })).toBe(2);
      expect((await tasks.list()).map((i) => i.id)).toEqual([kept.id]);
      expect(await tasks.status(gone.id)).toEqual({ id: gone.id, state: 'PENDING', attempts: 0 });
    } finally {
      await admin.close();
      await tasks.close();
      await broker.close();
    }
  });
});
