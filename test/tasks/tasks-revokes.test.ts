// Workers learn of revokes from the revokes topic (one notice per revoke), not from the results topic: a worker
// whose tasks succeed on their first delivery never reads the results topic, and still skips a task revoked before
// it was delivered and interrupts one revoked while it runs. A notice of an old revoke (before `klog task retry`)
// stops nothing. A worker process's view of the results topic, started for a redelivery, stops after a minute
// unused and folds the topic again from its start when next needed. Embedded, two tasks objects over one store:
// one runs the worker, the other enqueues, revokes and waits for results, as two processes would.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTasks, encodeRevokeNotice, encodeStatusRecord, type TaskContext, type Tasks } from '@klog/tasks';
import { abortedOf, embeddedApp, silentLogger, until, type EmbeddedApp } from './helpers.js';

let app: EmbeddedApp | undefined;
let workerSide: Tasks | undefined;

afterEach(async () => {
  const closing = workerSide?.close();
  app?.clock.advance(30_000); // the grace period of a task a failed test left running
  await closing;
  await app?.close();
  workerSide = undefined;
  app = undefined;
});

interface Calls {
  /** Topics the worker side began to read (one per tail it started), with the signal that stops each. */
  tails: { topic: string; signal: AbortSignal }[];
  /** Topics whose end the worker side asked for (what an up-to-date read of a view starts with). */
  ends: string[];
}

/**
 * A second tasks object over the app's store, for the worker, with its reads counted: the calls pass through to
 * its own transport unchanged (a spy, not a stand-in).
 */
function workerTasks(a: EmbeddedApp): { tasks: Tasks; calls: Calls } {
  const tasks = createTasks({ store: a.store, clock: a.clock, logger: silentLogger });
  const transport = (tasks as unknown as { transport: { tail(topic: string, p: number, on: unknown, signal: AbortSignal): Promise<void>; endOffset(topic: string, p: number): Promise<number> } }).transport;
  const calls: Calls = { tails: [], ends: [] };
  const tail = transport.tail.bind(transport);
  vi.spyOn(transport, 'tail').mockImplementation((topic, p, on, signal) => {
    calls.tails.push({ topic, signal });
    return tail(topic, p, on, signal);
  });
  const endOffset = transport.endOffset.bind(transport);
  vi.spyOn(transport, 'endOffset').mockImplementation((topic, p) => {
    calls.ends.push(topic);
    return endOffset(topic, p);
  });
  return { tasks, calls };
}

function resultsReads(tasks: Tasks, calls: Calls): number {
  return calls.tails.filter((t) => t.topic === tasks.topics.results).length + calls.ends.filter((t) => t === tasks.topics.results).length;
}

describe('tasks: revokes reach workers through the revokes topic', () => {
  it('a worker whose tasks succeed never reads the results topic; it skips a task revoked before delivery and interrupts one revoked while it runs', async () => {
    app = await embeddedApp();
    const { tasks: client, clock } = app;
    const { tasks: worker, calls } = workerTasks(app);
    workerSide = worker;
    let runs = 0;
    let slowStarted = false;
    let abortedWith: unknown;
    const define = (side: Tasks) => ({
      double: side.define('double', async (_ctx, n: number) => {
        runs++;
        return n * 2;
      }),
      slow: side.define('slow', async (ctx) => {
        slowStarted = true;
        await abortedOf(ctx, (reason) => (abortedWith = reason));
      }),
    });
    define(worker);
    const { double, slow } = define(client);
    await worker.worker({ concurrency: 4, handleSignals: false });
    expect(calls.tails.map((t) => t.topic)).toEqual([worker.topics.revokes]);

    const handles = await Promise.all(Array.from({ length: 20 }, (_, i) => double.delay(i)));
    expect(await Promise.all(handles.map((h) => h.result({ timeoutMs: 10_000 })))).toEqual(handles.map((_, i) => i * 2));
    expect(runs).toBe(20);
    expect(resultsReads(worker, calls)).toBe(0);

    // Revoked before it is delivered: a notice is known, the state says REVOKED, the task is accepted unrun.
    const later = await double.schedule({ countdownMs: 60_000 }, 100);
    const other = await double.schedule({ countdownMs: 60_000 }, 200);
    expect(await client.revoke(later.id)).toBe(true);
    clock.advance(60_000);
    expect(await other.result({ timeoutMs: 10_000 })).toBe(400);
    expect(runs).toBe(21);
    expect((await client.status(later.id)).state).toBe('REVOKED');
    expect(resultsReads(worker, calls)).toBeGreaterThan(0); // the notice made the worker read the task's state

    // Revoked while it runs: the notice arrives, the state confirms it, the handler is interrupted.
    const running = await slow.delay();
    await until(() => slowStarted, 'the slow task runs');
    expect(await client.revoke(running.id)).toBe(true);
    await until(() => abortedWith !== undefined, 'the running task is interrupted');
    expect(abortedWith).toBe('revoked');
    await expect(running.result({ timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'TASK_REVOKED' });
    expect((await client.status(running.id)).state).toBe('REVOKED');
  });

  it('a notice of a revoke that is history (the task was retried since) does not stop the retried run', async () => {
    app = await embeddedApp();
    const { tasks: client, store } = app;
    const { tasks: worker } = workerTasks(app);
    workerSide = worker;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const started = new Set<string>();
    const aborted = new Map<string, unknown>();
    const define = (side: Tasks) => side.define('gated', async (ctx) => {
        started.add(ctx.id);
        await Promise.race([gate, abortedOf(ctx, (reason) => aborted.set(ctx.id, reason))]);
        return 'done';
      });
    define(worker);
    const gated = define(client);
    const { id } = await gated.delay();
    expect(await client.revoke(id)).toBe(true); // before any worker: the task will be skipped, then retried
    await worker.worker({ concurrency: 4, handleSignals: false });
    await until(async () => (await client.status(id)).name === 'gated', 'the worker names the revoked task');
    expect(started.has(id)).toBe(false);

    await client.retry(id);
    await until(() => started.has(id), 'the retried task runs');
    // The old revoke's notice, read again while the retried run is under way (as a notice appended late would be):
    // the task's latest state is the retried run's STARTED, after that REVOKED, so the run goes on.
    await store.append(worker.topics.revokes, [{ key: Buffer.from(id), value: encodeRevokeNotice({ at: 0 }) }]);
    // A real revoke of another running task, noticed after the stale one: once it has interrupted its task, the
    // worker has judged the stale notice too (notices are handled in the order read).
    const { id: victim } = await gated.delay();
    await until(() => started.has(victim), 'the second task runs');
    expect(await client.revoke(victim)).toBe(true);
    await until(() => aborted.has(victim), 'the second task is interrupted');
    await new Promise((r) => setTimeout(r, 50));
    expect(aborted.has(id)).toBe(false);
    release();
    expect(await gated.handle(id).result({ timeoutMs: 10_000 })).toBe('done');
    expect((await client.status(victim)).state).toBe('REVOKED');
  });

  it('a revoke followed by the attempt\'s own progress before its notice is read still interrupts the run', async () => {
    app = await embeddedApp();
    const { tasks: client, store, clock } = app;
    const { tasks: worker } = workerTasks(app);
    workerSide = worker;
    let context: TaskContext | undefined;
    let abortedWith: unknown;
    const define = (side: Tasks) => side.define('reporting', async (ctx) => {
      context = ctx;
      await abortedOf(ctx, (reason) => (abortedWith = reason));
    });
    define(worker);
    const reporting = define(client);
    await worker.worker({ handleSignals: false });
    const handle = await reporting.delay();
    await until(async () => (await client.status(handle.id)).state === 'STARTED', 'its STARTED is written');
    // The three records in this order, as a revoke racing with progress writes them: REVOKED (what revoke writes
    // first), the attempt's progress, then the notice.
    await store.append(worker.topics.results, [{ key: Buffer.from(handle.id), value: encodeStatusRecord({ id: handle.id, name: 'reporting', state: 'REVOKED', attempts: 1, updatedAt: clock.now() }) }]);
    context!.progress(50);
    await until(async () => (await client.status(handle.id)).progress === 50, 'the progress is written after the REVOKED');
    await store.append(worker.topics.revokes, [{ key: Buffer.from(handle.id), value: encodeRevokeNotice({ at: clock.now() }) }]);
    await until(() => abortedWith !== undefined, 'the running task is interrupted', 5_000);
    expect(abortedWith).toBe('revoked');
  });

  it('a worker process\'s results view stops after a minute unused, and starts again from scratch when needed', async () => {
    app = await embeddedApp();
    const { tasks: client, store, clock } = app;
    const { tasks: worker, calls } = workerTasks(app);
    workerSide = worker;
    const define = (side: Tasks) => ({
      flaky: side.define('flaky', async (ctx) => {
        if (ctx.attempt === 1) throw new Error('first attempt fails');
        return ctx.attempt;
      }, { retries: 1, backoff: { type: 'fixed', delayMs: 1_000 } }),
      plain: side.define('plain', async () => 'ok'),
    });
    define(worker);
    const { flaky: flakyDef, plain: plainDef } = define(client);
    await worker.worker({ handleSignals: false });
    const resultsTails = () => calls.tails.filter((t) => t.topic === worker.topics.results);

    // A redelivery reads the task's state: the view starts.
    const flaky = await flakyDef.delay();
    await until(async () => (await client.status(flaky.id)).state === 'RETRY', 'the first attempt fails');
    expect(resultsTails()).toHaveLength(0);
    clock.advance(1_000);
    expect(await flaky.result({ timeoutMs: 10_000 })).toBe(2);
    expect(resultsTails()).toHaveLength(1);
    expect(worker.listenerCount('state')).toBe(0);

    // A minute nobody used it: it stops following the topic.
    clock.advance(60_000);
    await until(() => resultsTails()[0]!.signal.aborted, 'the view stops following the results topic');

    // Retention deletes the task's records meanwhile: the restarted view must not remember them.
    await store.deleteRecordsBefore(worker.topics.results, 0, store.logEndOffset(worker.topics.results, 0));
    expect(await worker.status(flaky.id)).toEqual({ id: flaky.id, state: 'PENDING', attempts: 0 });
    expect(resultsTails()).toHaveLength(2);
    expect(resultsTails()[1]!.signal.aborted).toBe(false);

    // Not stopped while someone waits on it (a result() in the worker's process), however long that takes.
    const plain = await plainDef.schedule({ countdownMs: 120_000 });
    const waiting = worker.handle<string>('plain', plain.id).result();
    clock.advance(60_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(resultsTails()[1]!.signal.aborted).toBe(false);
    clock.advance(60_000);
    // Raced with real time: a view that stopped under its waiter would leave it waiting for ever.
    expect(await Promise.race([waiting, new Promise((r) => setTimeout(() => r('still waiting after 10 s'), 10_000).unref())])).toBe('ok');
    expect(resultsTails()).toHaveLength(2);
  });
});
