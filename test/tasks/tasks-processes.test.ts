// Tasks across real processes against a real broker: a result awaited elsewhere, periodic ticks with two
// schedulers, and workers killed with kill -9 (by pid) at random while 1,000 tasks run.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Broker } from '@klog/broker';
import { createTasks } from '@klog/tasks';
import { removeTempDirs, startTestBroker, tempDir, waitUntil } from '../broker/fixture.js';
import { fuzzSeed } from '../reliability/fuzz-seed.js';
import { silentLogger } from './helpers.js';

afterAll(removeTempDirs);

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

interface Child { proc: ChildProcess; lines: string[]; exited: Promise<unknown> }

function spawnChild(script: string, args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, [here(script), ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const lines: string[] = [];
  createInterface({ input: proc.stdout! }).on('line', (l) => lines.push(l));
  return { proc, lines, exited: new Promise((resolve) => proc.once('exit', resolve)) };
}

async function killAll(children: Child[]): Promise<void> {
  for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
}

function executions(log: string): { id: string; attempt: number; pid: number; n?: number }[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; attempt: number; pid: number });
}

function appFor(broker: Broker) {
  return createTasks({ brokers: [`127.0.0.1:${broker.port}`], lockMs: 5_000, logger: silentLogger });
}

describe('tasks across processes', () => {
  it('a result awaited from a different process than the one that enqueued it and the one that ran it', async () => {
    const broker = await startTestBroker();
    const env = { KLOG_BROKER: `127.0.0.1:${broker.port}` };
    const tasks = appFor(broker);
    const add = tasks.define('add', async (_ctx, a: number, b: number) => a + b);
    const children: Child[] = [];
    try {
      const handle = await add.delay(2, 3);
      const waiter = spawnChild('await-result.child.mjs', [handle.id], env);
      children.push(waiter);
      children.push(spawnChild('worker.child.mjs', ['1'], env));
      await waiter.exited;
      const out = JSON.parse(waiter.lines[0]!) as { value: number; status: { state: string; attempts: number } };
      expect(out.value).toBe(5);
      expect(out.status).toMatchObject({ state: 'SUCCESS', attempts: 1 });
      expect(await handle.result({ timeoutMs: 5_000 })).toBe(5);
    } finally {
      await killAll(children);
      await tasks.close();
      await broker.close();
    }
  });

  it('every 1s with two worker processes scheduling: each tick runs exactly once', async () => {
    const broker = await startTestBroker();
    const log = join(tempDir(), 'ticks.log');
    const env = { KLOG_BROKER: `127.0.0.1:${broker.port}`, KLOG_TASKS_LOG: log, KLOG_TASKS_EVERY: '1s' };
    const children = [spawnChild('worker.child.mjs', ['2'], env), spawnChild('worker.child.mjs', ['2'], env)];
    try {
      await waitUntil(() => children.every((c) => c.lines.includes('ready')), 'both workers are ready');
      await waitUntil(() => executions(log).length >= 5, 'five ticks ran', 20_000);
      await killAll(children);
      const runs = executions(log);
      const ids = runs.map((r) => r.id);
      expect(new Set(ids).size, `each tick once: ${ids.join(', ')}`).toBe(ids.length);
      const ticks = ids.map((id) => Number(id.split(':').pop())).sort((a, b) => a - b);
      // No tick skipped between the first and the last: consecutive seconds.
      for (let i = 1; i < ticks.length; i++) expect(ticks[i]! - ticks[i - 1]!).toBe(1_000);
      // Both processes enqueued every tick, yet only the first claim ran it; the two workers shared the runs.
      expect(runs.every((r) => r.attempt === 1)).toBe(true);
    } finally {
      await killAll(children);
      await broker.close();
    }
  });

  it('workers killed with kill -9 at random while 1,000 tasks run: every task reaches SUCCESS once, none lost, reruns only of tasks in flight at the kills', async () => {
    const TASKS = 1_000;
    const CONCURRENCY = 4; // per worker process: at most this many of a killed worker's tasks were in flight
    const seed = fuzzSeed();
    const killDelaysMs = fc.sample(fc.integer({ min: 50, max: 550 }), { seed, numRuns: 4 });
    console.log(`tasks crash test: seed ${seed} (replay: KLOG_FUZZ_SEED=${seed} npx vitest run test/tasks/tasks-processes.test.ts)`);
    const broker = await startTestBroker();
    const log = join(tempDir(), 'work.log');
    const env = { KLOG_BROKER: `127.0.0.1:${broker.port}`, KLOG_TASKS_LOG: log };
    const tasks = appFor(broker);
    const work = tasks.define('work', async (_ctx, n: number, _ms: number) => n, { retries: 20, backoff: { type: 'fixed', delayMs: 0 } });
    const children: Child[] = [];
    const spawnWorker = (): Child => {
      const c = spawnChild('worker.child.mjs', [String(CONCURRENCY)], env);
      children.push(c);
      return c;
    };
    const started = Date.now();
    try {
      // 10 to 50 ms each: the kills fall among many short tasks, and 1,000 of them fit in a few seconds of work.
      const handles = await Promise.all(Array.from({ length: TASKS }, (_, n) => work.delay(n, 10 + (n % 5) * 10)));
      const live = [spawnWorker(), spawnWorker(), spawnWorker()];
      let kills = 0;
      const allRan = () => new Set(executions(log).map((r) => r.id)).size >= TASKS;
      while (kills < 4 && !allRan()) {
        // Killed mid-work at a random moment once the oldest worker runs tasks (however slowly this machine starts it).
        const victim = live.shift()!;
        await waitUntil(() => allRan() || executions(log).some((r) => r.pid === victim.proc.pid), 'the worker to kill runs tasks');
        await new Promise((r) => setTimeout(r, killDelaysMs[kills]));
        victim.proc.kill('SIGKILL'); // by pid
        await victim.exited;
        kills++;
        live.push(spawnWorker());
      }
      const results = await Promise.all(handles.map((h) => h.result({ timeoutMs: 60_000 })));
      expect(results).toEqual(Array.from({ length: TASKS }, (_, n) => n));
      const done = await tasks.list({ state: 'SUCCESS', name: 'work' });
      expect(done).toHaveLength(TASKS);
      const runs = executions(log);
      const killedPids = new Set(children.slice(0, kills).map((c) => c.proc.pid));
      expect(kills).toBeGreaterThan(0);
      expect(runs.some((r) => killedPids.has(r.pid))).toBe(true); // the killed workers were working
      expect(new Set(runs.map((r) => r.id)).size).toBe(TASKS);
      // Each task's SUCCESS names the attempt that wrote it; every other run was cut short by a kill: it ran in a
      // killed worker, which held at most CONCURRENCY tasks when it died.
      const recordedAttempt = new Map(done.map((t) => [t.id, t.attempts]));
      expect(runs.filter((r) => recordedAttempt.get(r.id) === r.attempt), 'one run wrote each SUCCESS').toHaveLength(TASKS);
      const cutShort = runs.filter((r) => recordedAttempt.get(r.id) !== r.attempt);
      expect(cutShort.filter((r) => !killedPids.has(r.pid)), 'runs lost without a kill').toEqual([]);
      const inFlightAtKills = [...killedPids].reduce<number>((sum, pid) => sum + cutShort.filter((r) => r.pid === pid).length, 0);
      expect(inFlightAtKills).toBeLessThanOrEqual(kills * CONCURRENCY);
      expect(runs.length - TASKS, 'runs beyond one per task').toBeLessThanOrEqual(inFlightAtKills);
      console.log(`tasks crash test: ${kills} workers killed, ${runs.length} runs for ${TASKS} tasks (${inFlightAtKills} in flight at the kills), ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await killAll(children);
      await tasks.close();
      await broker.close();
    }
  }, 120_000);
});
