// The tasks layer appends many tasks' records together (one append per topic at a time). What must still hold:
// each task's states land in the order its worker wrote them, whatever the interleaving of tasks and slots, and
// a record that cannot be written fails only its own task, not the tasks that travelled in the same append.
import fc from 'fast-check';
import { iterateBatches } from '@klog/log-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskState } from '@klog/tasks';
import { propertyParameters } from '../reliability/fuzz-seed.js';
import { abortedOf, embeddedApp, until, type EmbeddedApp } from './helpers.js';

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** How a task's handler spends its time: returns at once, after a microtask, or after a real timer. */
type Pace = 'sync' | 'microtask' | 'timer';

describe('tasks: batched state writes', () => {
  it('property: every task reads STARTED (unless its next state took its place unsent), its progress, then SUCCESS, in that order, whatever the interleaving', async () => {
    const params = propertyParameters(12);
    console.log(`batched writes property: seed ${params.seed} (replay: KLOG_FUZZ_SEED=${params.seed} npx vitest run test/tasks/tasks-batched-writes.test.ts)`);
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ pace: fc.constantFrom<Pace>('sync', 'microtask', 'timer'), progress: fc.nat({ max: 2 }) }), { minLength: 1, maxLength: 30 }),
      fc.integer({ min: 1, max: 8 }),
      async (specs, concurrency) => {
        app = await embeddedApp();
        try {
          const seen = new Map<string, TaskState[]>();
          const progressSeen = new Map<string, number[]>();
          app.tasks.on('state', (s) => {
            const list = seen.get(s.id) ?? [];
            list.push(s.state);
            seen.set(s.id, list);
          });
          app.tasks.on('progress', (p) => progressSeen.set(p.id, [...progressSeen.get(p.id) ?? [], p.progress]));
          const run = app.tasks.define('run', async (ctx, i: number) => {
            const { pace, progress } = specs[i]!;
            for (let p = 1; p <= progress; p++) ctx.progress(p);
            if (pace === 'microtask') await Promise.resolve();
            if (pace === 'timer') await new Promise((r) => setTimeout(r, 1 + (i % 3)));
            return i * 10;
          });
          const handles = await Promise.all(specs.map((_, i) => run.delay(i)));
          await app.tasks.worker({ concurrency, handleSignals: false });
          const results = await Promise.all(handles.map((h) => h.result({ timeoutMs: 20_000 })));
          expect(results).toEqual(specs.map((_, i) => i * 10));
          await until(() => handles.every((h) => seen.get(h.id)?.at(-1) === 'SUCCESS'), 'every SUCCESS is read');
          handles.forEach((h, i) => {
            // delay writes no PENDING. The attempt's first STARTED may have been replaced, before it was sent, by
            // its first progress or its SUCCESS; every progress is read, in order, and SUCCESS comes last.
            const { progress } = specs[i]!;
            const states = seen.get(h.id)!;
            expect(states.at(-1), `task ${i}`).toBe('SUCCESS');
            expect(states.slice(0, -1).every((s) => s === 'STARTED'), `task ${i}: ${states.join(' ')}`).toBe(true);
            expect([progress, progress + 1], `task ${i}: ${states.join(' ')}`).toContain(states.length - 1);
            expect(progressSeen.get(h.id) ?? [], `task ${i}`).toEqual(Array.from({ length: progress }, (_, p) => p + 1));
          });
        } finally {
          await app.close();
          app = undefined;
        }
      },
    ), params);
  }, 120_000);

  it('a task that ends before its STARTED is sent writes one state record: its outcome, in the STARTED\'s place', async () => {
    app = await embeddedApp();
    const { tasks, store } = app;
    const noop = tasks.define('noop', async (_ctx, i: number) => i);
    const handles = await Promise.all(Array.from({ length: 20 }, (_, i) => noop.delay(i)));
    await tasks.worker({ concurrency: 4, handleSignals: false });
    expect(await Promise.all(handles.map((h) => h.result({ timeoutMs: 20_000 })))).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const { records } = await store.read(tasks.topics.results, 0, { offset: 0 });
    const ids = new Set(handles.map((h) => h.id));
    const written = records.filter((r) => r.key !== null && ids.has(r.key.toString()));
    console.log(`state records of 20 no-op tasks: ${written.length}`);
    // Each task writes its outcome, and its STARTED unless the outcome took its place; here nearly every one did
    // (a STARTED sent between its handler's start and end, when an earlier append was answered, stays).
    expect(written.filter((r) => r.value !== null && r.value.includes('SUCCESS'))).toHaveLength(20);
    expect(written.length).toBeLessThan(30);
  });

  it('a task delayed on an idle client is in the queue before the turn is over; tasks delayed together share one append', async () => {
    app = await embeddedApp();
    const { tasks, store } = app;
    const noop = tasks.define('noop', async (_ctx, i: number) => i);
    await noop.delay(0); // topics set up
    await new Promise((r) => setTimeout(r, 0)); // from a timer, so that the turn's end is this turn's check phase
    const queueEnd = (): number => store.logEndOffset(tasks.topics.queue, 0);
    let turnOver = false;
    setImmediate(() => (turnOver = true));
    await noop.delay(1);
    // A worker waits on the queue: the task did not wait for the event loop to come round.
    expect(turnOver).toBe(false);
    expect(queueEnd()).toBe(2);
    await Promise.all([2, 3, 4].map((i) => noop.delay(i)));
    const { records } = await store.read(tasks.topics.queue, 0, { offset: 2 });
    expect(records.map((r) => r.offset)).toEqual([2, 3, 4]);
    const { data } = await store.readBatches(tasks.topics.queue, 0, { offset: 2, maxBytes: 1 << 20 });
    expect([...iterateBatches(data)].map(({ header }) => header.lastOffsetDelta + 1)).toEqual([3]);
  });

  it('a result too large for the results topic fails only its own write: the tasks beside it succeed', async () => {
    app = await embeddedApp();
    // Over the topic's maxBatchBytes (1 MiB): its SUCCESS cannot be written, so its attempt does not end.
    const big = app.tasks.define('big', async () => Buffer.alloc(1_500_000));
    const small = app.tasks.define('small', async (_ctx, i: number) => i);
    const bigHandle = await big.delay();
    const handles = await Promise.all(Array.from({ length: 8 }, (_, i) => small.delay(i)));
    await app.tasks.worker({ concurrency: 9, handleSignals: false });
    expect(await Promise.all(handles.map((h) => h.result({ timeoutMs: 20_000 })))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await until(async () => (await app!.tasks.status(bigHandle.id)).state === 'STARTED', 'the large task ran');
    expect((await app.tasks.status(bigHandle.id)).state).not.toBe('SUCCESS');
  });
});

describe('tasks: the results view decodes lazily', () => {
  it('a worker process with no state listener still sees revokes of its running tasks, and skips what is not a status', async () => {
    app = await embeddedApp();
    const { tasks, store } = app;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const slow = tasks.define('slow', async (ctx) => {
      started();
      await abortedOf(ctx);
    });
    const quick = tasks.define('quick', async () => 'done');
    const handle = await slow.delay();
    const other = await quick.delay();
    await tasks.worker({ concurrency: 2, handleSignals: false });
    await running;
    expect(await tasks.revoke(handle.id)).toBe(true);
    await expect(handle.result({ timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'TASK_REVOKED' });
    expect(await other.result({ timeoutMs: 10_000 })).toBe('done');
    // Bytes that are no msgpack map under a task's id: skipped, the task's state stays what it was.
    await store.append(tasks.topics.results, [{ key: Buffer.from(other.id), value: Buffer.from('{"not":"msgpack"}') }]);
    expect((await tasks.status(other.id)).state).toBe('SUCCESS');
    expect((await tasks.status(handle.id)).state).toBe('REVOKED');
  });
});
