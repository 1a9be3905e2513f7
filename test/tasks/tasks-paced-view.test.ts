// A worker's view of the results topic reads with gaps while nobody in its process waits on it (it looks only for
// revokes of its running tasks): what must still hold over a real broker, with the view kept busy by a stream of
// short tasks so that it is between two paced reads most of the time.
import { afterAll, describe, expect, it } from 'vitest';
import { createTasks, type Tasks } from '@klog/tasks';
import { removeTempDirs, startTestBroker } from '../broker/fixture.js';
import { silentLogger } from './helpers.js';

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
    await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => {
      onSlowAbort(ctx.signal.reason);
      reject(new Error(String(ctx.signal.reason)));
    }, { once: true }));
  });
  const quick = tasks.define('quick', (_ctx, i: number) => i);
  return { slow, quick };
}

describe('tasks: a paced results view', () => {
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
});
