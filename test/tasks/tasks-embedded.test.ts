// The tasks API over an embedded LogStore, time driven by a ManualClock: every state, results, progress.
import { afterEach, describe, expect, it } from 'vitest';
import { isKlogError } from '@klog/log-core';
import { systemClock } from '@klog/queue';
import type { TaskState } from '@klog/tasks';
import { embeddedApp, until, type EmbeddedApp } from './helpers.js';

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('tasks, embedded', () => {
  it('PENDING (no state written yet), STARTED (with progress), SUCCESS: the result comes back with its types', async () => {
    app = await embeddedApp();
    const { tasks } = app;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const add = tasks.define('add', async (ctx, a: number, b: number, when: Date) => {
      ctx.progress(50);
      await gate;
      return { sum: a + b, when, blob: Buffer.from('x'), seen: new Map([[ctx.id, ctx.attempt]]) };
    });
    const states: TaskState[] = [];
    tasks.on('state', (s) => states.push(s.state));
    const progress: number[] = [];
    tasks.on('progress', (p) => progress.push(p.progress));
    const handle = await add.delay(2, 3, new Date(5));
    expect((await tasks.status(handle.id)).state).toBe('PENDING');
    await tasks.worker({ handleSignals: false });
    await until(async () => (await tasks.status(handle.id)).progress === 50, 'progress 50 is visible');
    expect(await tasks.status(handle.id)).toMatchObject({ state: 'STARTED', attempts: 1, name: 'add' });
    release();
    const result = await handle.result({ timeoutMs: 10_000 });
    expect(result.sum).toBe(5);
    expect(result.when).toEqual(new Date(5));
    expect(Buffer.isBuffer(result.blob)).toBe(true);
    expect(result.seen.get(handle.id)).toBe(1);
    expect(await tasks.status(handle.id)).toMatchObject({ state: 'SUCCESS', attempts: 1, result });
    // delay writes no PENDING (the task record says it); the handler's progress, sent before the STARTED was,
    // took its place (a STARTED with progress 50); SUCCESS came once the gate opened.
    expect(states).toEqual(['STARTED', 'SUCCESS']);
    expect(progress).toEqual([50]);
  });

  it('refuses arguments msgpack cannot carry, saying where they are', async () => {
    app = await embeddedApp();
    const t = app.tasks.define('t', async (_ctx, _o: unknown) => 1);
    const err = await t.delay({ a: [1, () => 2] }).catch((e: unknown) => e);
    expect(isKlogError(err, 'UNSERIALISABLE_VALUE')).toBe(true);
    expect((err as Error).message).toContain('a[1] is a function');
    class Point { x = 1; }
    await expect(t.delay(new Point())).rejects.toThrow(/instance of Point/);
  });

  it('a thrown error is retried after its backoff (fake clock), then SUCCESS', async () => {
    app = await embeddedApp();
    const { tasks, clock } = app;
    const starts: number[] = [];
    const flaky = tasks.define('flaky', async (ctx) => {
      starts.push(clock.now());
      if (ctx.attempt < 3) throw new Error(`boom ${ctx.attempt}`);
      return ctx.attempt;
    }, { retries: 5, backoff: { type: 'exponential', delayMs: 1_000, maxDelayMs: 60_000 } });
    const t0 = clock.now();
    const handle = await flaky.delay();
    await tasks.worker({ handleSignals: false });
    await until(async () => (await tasks.status(handle.id)).state === 'RETRY', 'the first attempt failed');
    const retry = await tasks.status(handle.id);
    expect(retry).toMatchObject({ attempts: 1, error: { message: 'boom 1' }, retryAt: t0 + 1_000 });
    clock.advance(999);
    await new Promise((r) => setTimeout(r, 100));
    expect(starts).toHaveLength(1);
    clock.advance(1);
    await until(async () => (await tasks.status(handle.id)).attempts === 2 && (await tasks.status(handle.id)).state === 'RETRY', 'the second attempt failed');
    expect((await tasks.status(handle.id)).retryAt).toBe(t0 + 1_000 + 2_000);
    clock.advance(1_999);
    await new Promise((r) => setTimeout(r, 100));
    expect(starts).toHaveLength(2);
    clock.advance(1);
    expect(await handle.result({ timeoutMs: 10_000 })).toBe(3);
    expect(starts).toEqual([t0, t0 + 1_000, t0 + 3_000]);
  });

  it('after the last retry: FAILURE, result() throws the task error, the dead letter holds error and stack', async () => {
    app = await embeddedApp();
    const { tasks, clock, store } = app;
    const doomed = tasks.define('doomed', async () => {
      throw new TypeError('no such user');
    }, { retries: 1, backoff: { type: 'fixed', delayMs: 500 } });
    const handle = await doomed.delay();
    await tasks.worker({ handleSignals: false });
    await until(async () => (await tasks.status(handle.id)).state === 'RETRY', 'attempt 1 failed');
    clock.advance(500);
    const err = await handle.result({ timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(isKlogError(err, 'TASK_FAILED')).toBe(true);
    expect((err as Error).message).toContain('TypeError: no such user');
    expect(await tasks.status(handle.id)).toMatchObject({ state: 'FAILURE', attempts: 2, error: { name: 'TypeError', message: 'no such user' } });
    await until(() => store.logEndOffset('dlq.tasks', 0) === 1, 'the dead letter is written');
    const { records } = await store.read('dlq.tasks', 0, { offset: 0 });
    const reason = records[0]!.headers.find((h) => h.key === '__dlq.errors.reason')!.value!.toString();
    expect(reason).toContain('TypeError: no such user');
    expect(reason).toContain('tasks-embedded.test.ts'); // the stack
    expect(records[0]!.key!.toString()).toBe(handle.id);
  });

  it('timeoutMs exceeded is a failed attempt, and ctx.signal is aborted', async () => {
    app = await embeddedApp();
    const { tasks, clock } = app;
    let aborted = false;
    const slow = tasks.define('slow', async (ctx) => {
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      aborted = true;
    }, { retries: 0, timeoutMs: 5_000 });
    const handle = await slow.delay();
    await tasks.worker({ handleSignals: false });
    await until(async () => (await tasks.status(handle.id)).state === 'STARTED', 'it runs');
    clock.advance(5_000);
    const err = await handle.result({ timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect((err as Error).message).toContain('ran longer than its timeoutMs (5000 ms)');
    expect(aborted).toBe(true);
  });

  it('a handler that reads ctx.signal only after its attempt timed out finds it aborted, with the reason', async () => {
    app = await embeddedApp();
    const { tasks, clock } = app;
    let proceed!: () => void;
    const gate = new Promise<void>((r) => (proceed = r));
    let seen: { aborted: boolean; reason: unknown } | undefined;
    const slow = tasks.define('slow', async (ctx) => {
      await gate; // ignores the signal until let through
      seen = { aborted: ctx.signal.aborted, reason: ctx.signal.reason };
    }, { retries: 0, timeoutMs: 5_000 });
    const handle = await slow.delay();
    await tasks.worker({ handleSignals: false });
    await until(async () => (await tasks.status(handle.id)).state === 'STARTED', 'it runs');
    clock.advance(5_000);
    await expect(handle.result({ timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'TASK_FAILED' });
    proceed();
    await until(() => seen !== undefined, 'the handler went on');
    expect(seen).toEqual({ aborted: true, reason: 'timeout' });
  });

  it('result() gives up after timeoutMs with RESULT_TIMEOUT, on the given clock and on the system clock', async () => {
    app = await embeddedApp();
    const t = app.tasks.define('t', async () => 1);
    const handle = await t.delay(); // no worker: it never runs
    const waiting = handle.result({ timeoutMs: 1_000 });
    const settled = waiting.then(() => 'resolved', (e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20)); // its timer is set once the call has its setup
    app.clock.advance(999);
    await new Promise((r) => setTimeout(r, 20));
    expect(await Promise.race([settled, 'still waiting'])).toBe('still waiting');
    app.clock.advance(1);
    expect(await settled).toMatchObject({ code: 'RESULT_TIMEOUT' });
    await app.close();

    app = await embeddedApp({ clock: systemClock });
    const u = app.tasks.define('u', async () => 1);
    await expect((await u.delay()).result({ timeoutMs: 30 })).rejects.toMatchObject({ code: 'RESULT_TIMEOUT' });
  });

  it('revoked before it runs: never runs, REVOKED; result() says so', async () => {
    app = await embeddedApp();
    const { tasks, clock } = app;
    let runs = 0;
    const later = tasks.define('later', async () => void runs++);
    const handle = await later.schedule({ countdownMs: 60_000 });
    const other = await later.schedule({ eta: new Date(clock.now() + 60_000) });
    await tasks.worker({ handleSignals: false });
    expect(await tasks.revoke(handle.id)).toBe(true);
    clock.advance(60_000);
    await other.result({ timeoutMs: 10_000 });
    expect(runs).toBe(1);
    expect((await tasks.status(handle.id)).state).toBe('REVOKED');
    await expect(handle.result()).rejects.toMatchObject({ code: 'TASK_REVOKED' });
    expect(await tasks.revoke(other.id)).toBe(false); // already finished
  });

  it('revoked before any state was written (delay writes none): the worker names it, and task retry runs it', async () => {
    app = await embeddedApp();
    const { tasks } = app;
    let runs = 0;
    const t = tasks.define('t', async (_ctx, n: number) => {
      runs++;
      return n + 1;
    });
    const handle = await t.delay(1);
    const marker = await t.delay(2);
    expect(await tasks.status(handle.id)).toEqual({ id: handle.id, state: 'PENDING', attempts: 0 });
    expect(await tasks.revoke(handle.id)).toBe(true);
    await tasks.worker({ handleSignals: false });
    expect(await marker.result({ timeoutMs: 10_000 })).toBe(3);
    await until(async () => (await tasks.status(handle.id)).name === 't', 'the worker names the revoked task');
    expect(runs).toBe(1);
    expect((await tasks.status(handle.id)).state).toBe('REVOKED');
    await tasks.retry(handle.id);
    expect(await handle.result({ timeoutMs: 10_000 })).toBe(2);
  });

  it('revoked while it runs: ctx.signal aborts, its outcome is dropped, the state stays REVOKED', async () => {
    app = await embeddedApp();
    const { tasks } = app;
    let sawAbort = false;
    const long = tasks.define('long', async (ctx) => {
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      sawAbort = true;
      return 'finished anyway';
    });
    const handle = await long.delay();
    await tasks.worker({ handleSignals: false });
    await until(async () => (await tasks.status(handle.id)).state === 'STARTED', 'it runs');
    await tasks.revoke(handle.id);
    await until(() => sawAbort, 'the handler sees the abort');
    await new Promise((r) => setTimeout(r, 100));
    expect((await tasks.status(handle.id)).state).toBe('REVOKED');
    await expect(handle.result()).rejects.toMatchObject({ code: 'TASK_REVOKED' });
  });

  it('a countdown holds the task back until it is due', async () => {
    app = await embeddedApp();
    const { tasks, clock } = app;
    const ran: number[] = [];
    const t = tasks.define('t', async () => void ran.push(clock.now()));
    const t0 = clock.now();
    const handle = await t.schedule({ countdownMs: 60_000 });
    await tasks.worker({ handleSignals: false });
    await new Promise((r) => setTimeout(r, 150));
    expect(ran).toEqual([]);
    clock.advance(60_000);
    await handle.result({ timeoutMs: 10_000 });
    expect(ran[0]).toBeGreaterThanOrEqual(t0 + 60_000);
  });

  it('graceful stop: a running task gets graceMs, then is released back to PENDING for another worker', async () => {
    app = await embeddedApp();
    const { tasks, clock } = app;
    const stubborn = tasks.define('stubborn', async (ctx) => {
      if (ctx.attempt === 1) await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      return ctx.attempt;
    });
    const handle = await stubborn.delay();
    const worker = await tasks.worker({ handleSignals: false, graceMs: 10_000 });
    await until(async () => (await tasks.status(handle.id)).state === 'STARTED', 'it runs');
    const stopping = worker.stop();
    clock.advance(10_000);
    await stopping;
    expect((await tasks.status(handle.id)).state).toBe('PENDING');
    await tasks.worker({ handleSignals: false });
    expect(await handle.result({ timeoutMs: 10_000 })).toBe(2);
  });

  it('task retry enqueues a failed task again under its id', async () => {
    app = await embeddedApp();
    const { tasks } = app;
    let fail = true;
    const t = tasks.define('t', async (_ctx, n: number) => {
      if (fail) throw new Error('not yet');
      return n * 2;
    }, { retries: 0 });
    const handle = await t.delay(21);
    await tasks.worker({ handleSignals: false });
    await expect(handle.result({ timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'TASK_FAILED' });
    expect((await tasks.list({ state: 'FAILURE' })).map((i) => i.id)).toEqual([handle.id]);
    fail = false;
    await tasks.retry(handle.id);
    expect(await handle.result({ timeoutMs: 10_000 })).toBe(42);
  });

  it('a task whose records retention deleted reads PENDING again and is not listed, in the process that read it too', async () => {
    app = await embeddedApp();
    const { tasks, store } = app;
    const t = tasks.define('t', async (_ctx, n: number) => n);
    await tasks.worker({ handleSignals: false });
    const gone = await t.delay(1);
    expect(await gone.result({ timeoutMs: 10_000 })).toBe(1);
    expect((await tasks.status(gone.id)).state).toBe('SUCCESS');
    // What retention does once resultTtlMs has passed: the records before an offset are deleted.
    await store.deleteRecordsBefore(tasks.topics.results, 0, store.logEndOffset(tasks.topics.results, 0));
    const kept = await t.delay(2);
    expect(await kept.result({ timeoutMs: 10_000 })).toBe(2);
    expect((await tasks.list()).map((i) => i.id)).toEqual([kept.id]);
    expect(await tasks.status(gone.id)).toEqual({ id: gone.id, state: 'PENDING', attempts: 0 });
    expect((await tasks.status(kept.id)).state).toBe('SUCCESS');
  });
});
