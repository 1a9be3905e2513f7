// Periodic schedules, per-task rate limits and the results topic's settings, embedded, with time driven by a ManualClock.
import { afterEach, describe, expect, it } from 'vitest';
import { embeddedApp, until, type EmbeddedApp } from './helpers.js';

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Moves the clock on by `ms`, then lets the store and timers run. */
async function advance(a: EmbeddedApp, ms: number): Promise<void> {
  a.clock.advance(ms);
  await new Promise((r) => setTimeout(r, 20));
}

describe('every, on a fake clock', () => {
  it('one run per tick; after downtime the next tick only, unless catchUp', async () => {
    app = await embeddedApp();
    const { tasks, clock } = app;
    const runs: string[] = [];
    const tick = tasks.define('tick', async (ctx, label: string) => void runs.push(`${label} ${ctx.id}`));
    tasks.every('1s', tick, { args: ['a'] });
    const w1 = await tasks.worker({ handleSignals: false });
    const t0 = clock.now(); // a whole second: the helper starts at 2030-01-01T00:00:00Z
    for (let i = 1; i <= 3; i++) {
      await advance(app, 1_000);
      await until(() => runs.length === i, `tick ${i} ran`);
    }
    expect(runs).toEqual([1, 2, 3].map((i) => `a tick:tick:1s:${t0 + i * 1_000}`));
    await w1.stop();

    // Ten seconds with no scheduler: the next worker fires the next tick, not ten.
    await advance(app, 10_000);
    await tasks.worker({ handleSignals: false });
    await new Promise((r) => setTimeout(r, 200));
    expect(runs).toHaveLength(3);
    await advance(app, 1_000);
    await until(() => runs.length === 4, 'the next tick ran');
    await new Promise((r) => setTimeout(r, 200));
    expect(runs[3]).toBe(`a tick:tick:1s:${t0 + 14_000}`);
  });

  it('catchUp: true enqueues the ticks missed since the last one run', async () => {
    app = await embeddedApp();
    const { tasks, clock } = app;
    const ran: number[] = [];
    const tick = tasks.define('tick', async (ctx) => void ran.push(Number(ctx.id.split(':').pop())));
    tasks.every('1s', tick, { catchUp: true });
    const w1 = await tasks.worker({ handleSignals: false });
    const t0 = clock.now();
    await advance(app, 1_000);
    await until(() => ran.length === 1, 'the first tick ran');
    await w1.stop();
    await advance(app, 3_000);
    await tasks.worker({ handleSignals: false });
    await until(() => ran.length === 4, 'the three missed ticks ran');
    expect(ran.sort()).toEqual([1, 2, 3, 4].map((i) => t0 + i * 1_000));
  });

  it('cron ticks on its minutes', async () => {
    app = await embeddedApp();
    const { tasks, clock } = app;
    const ran: string[] = [];
    const report = tasks.define('report', async (ctx) => void ran.push(ctx.id));
    tasks.cron('*/5 * * * *', report);
    await tasks.worker({ handleSignals: false });
    await advance(app, 4 * 60_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(ran).toEqual([]);
    await advance(app, 60_000);
    await until(() => ran.length === 1, 'the 00:05 tick ran');
    expect(ran[0]).toBe(`tick:report:*/5 * * * *:${Date.UTC(2030, 0, 1, 0, 5)}`);
    expect(clock.now()).toBe(Date.UTC(2030, 0, 1, 0, 5));
  });
});

describe('rate limit', () => {
  it('rateLimit 1/s: with three slots free, starts are a second apart', async () => {
    app = await embeddedApp();
    const { tasks, clock } = app;
    const starts: number[] = [];
    const limited = tasks.define('limited', async () => void starts.push(clock.now()), { rateLimit: '1/s' });
    const t0 = clock.now();
    const handles = await Promise.all([limited.delay(), limited.delay(), limited.delay()]);
    await tasks.worker({ handleSignals: false, concurrency: 3 });
    await until(() => starts.length === 1, 'the first starts at once');
    await new Promise((r) => setTimeout(r, 100));
    expect(starts).toHaveLength(1);
    await advance(app, 1_000);
    await until(() => starts.length === 2, 'the second starts a second later');
    await advance(app, 1_000);
    await until(() => starts.length === 3, 'the third a second after that');
    expect(starts).toEqual([t0, t0 + 1_000, t0 + 2_000]);
    await Promise.all(handles.map((h) => h.result({ timeoutMs: 10_000 })));
  });
});

describe('results topic', () => {
  it('is compacted and expires by retention after resultTtlMs (compact,delete)', async () => {
    app = await embeddedApp({ resultTtlMs: 3_600_000, app: 'billing' });
    const { tasks, store } = app;
    const t = tasks.define('t', async () => 1);
    await t.delay();
    expect(store.describeTopic('billing.results').config).toMatchObject({ cleanupPolicy: 'compact,delete', retentionMs: 3_600_000 });
    expect(store.describeTopic('billing.claims').config).toMatchObject({ cleanupPolicy: 'delete' });
    expect(store.hasTopic('billing') && store.hasTopic('dlq.billing')).toBe(true);
  });
});
