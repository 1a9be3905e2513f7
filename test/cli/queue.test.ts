import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client, type QueueInfo } from '../../packages/client/src/index.js';
import { lines, runKlog, spawnKlog, startTestBroker, waitForText, type KlogResult, type TestBroker } from './klog-harness.js';

/**
 * The first minutes of someone who knows RabbitMQ or Celery, as commands: a work queue with dead letters over a
 * topic, jobs shared between workers, delayed jobs, a poison job dead-lettered and sent back.
 */
let tb: TestBroker;
let client: Client;
beforeAll(async () => {
  tb = await startTestBroker();
  client = createClient({ brokers: [tb.address], clientId: 'queue-test' });
});
afterAll(async () => {
  await client?.close();
  await tb?.stop();
});

const klog = (args: string[], input?: string) => runKlog(args, { broker: tb.address, input });

async function ok(args: string[]): Promise<KlogResult> {
  const r = await klog(args);
  expect(r.code, `klog ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}

async function described(queue: string): Promise<QueueInfo> {
  return JSON.parse((await ok(['queue', 'describe', queue, '--json'])).stdout.toString()) as QueueInfo;
}

const total = (d: QueueInfo, field: 'ready' | 'delayed' | 'inFlight' | 'archived'): number => d.partitions.reduce((n, p) => n + p[field], 0);

/** A one-line error on stderr, exit 1, nothing on stdout. */
function expectOneLineError(r: KlogResult, ...says: string[]): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout.length).toBe(0);
  expect(lines(r.stderr), r.stderr).toHaveLength(1);
  for (const s of says) expect(r.stderr).toContain(s);
}

describe('klog queue and consume --queue', () => {
  it('create --dlq, produce 3 jobs: consume --queue -n 2 prints 2, a second consumer gets the third, describe counts them', async () => {
    const created = await ok(['queue', 'create', 'workers', '--topic', 'jobs', '--dlq', '--max-deliveries', '3', '--lock', '10s']);
    expect(created.stderr).toContain('klog: created topic jobs');
    expect(created.stderr).toContain('max deliveries 3, dead letters workers.dlq');
    expect(lines((await ok(['topic', 'list'])).stdout)).toContain('workers.dlq');

    await ok(['produce', 'jobs', 'job-1', 'job-2', 'job-3']);
    const first = await ok(['consume', 'jobs', '--queue', 'workers', '-n', '2']);
    expect(lines(first.stdout)).toHaveLength(2);

    const table = (await ok(['queue', 'describe', 'workers'])).stdout.toString();
    expect(table).toContain('queue workers: 1 ready, 0 delayed, 0 in flight, 0 dead');
    expect(table).toMatch(/^jobs\s+0\s+1\s+0\s+0\s+0\s+\d+s$/m);

    const second = await ok(['consume', 'jobs', '--queue', 'workers', '-n', '1']);
    expect([...lines(first.stdout), ...lines(second.stdout)].sort()).toEqual(['job-1', 'job-2', 'job-3']);
    const after = await described('workers');
    expect([total(after, 'ready'), total(after, 'inFlight'), total(after, 'archived')]).toEqual([0, 0, 0]);

    const list = await ok(['queue', 'list']);
    expect(list.stdout.toString()).toMatch(/^workers\s+jobs\s+0$/m);
    expect(JSON.parse((await ok(['queue', 'list', '--json'])).stdout.toString())).toEqual([{ name: 'workers', topics: ['jobs'], members: 0 }]);
  });

  it('consume --queue -e prints what is ready and exits; --format and --json print as other consumes do', async () => {
    await ok(['queue', 'create', 'printer', '--topic', 'prints']);
    await ok(['produce', 'prints', '--key', 'k', 'a', 'b']);
    const formatted = await ok(['consume', 'prints', '--queue', 'printer', '-n', '1', '--format', '%t/%p@%o %k=%s\\n']);
    expect(formatted.stdout.toString()).toBe('prints/0@0 k=a\n');
    const json = await ok(['consume', '--queue', 'printer', '-e', '--json']);
    expect(lines(json.stdout).map((l) => (JSON.parse(l) as { value: string }).value)).toEqual(['b']);
    const none = await ok(['consume', '--queue', 'printer', '-e']);
    expect(none.stdout.length).toBe(0);
  });

  it('a delayed produce reaches a queue only at its time, while a plain consumer sees it at once', async () => {
    await ok(['queue', 'create', 'later', '--topic', 'reminders']);
    const sent = Date.now();
    await ok(['produce', 'reminders', '--delay', '6s', 'wake-up']);
    const early = await ok(['consume', 'reminders', '--queue', 'later', '-e']);
    const waiting = await described('later');
    expect(Date.now() - sent, 'the early looks came in time to mean something').toBeLessThan(6000);
    expect(early.stdout.length).toBe(0);
    expect([total(waiting, 'ready'), total(waiting, 'delayed')]).toEqual([0, 1]);
    expect(lines((await ok(['consume', 'reminders', '--from-beginning', '-e'])).stdout)).toEqual(['wake-up']);
    const due = await ok(['consume', 'reminders', '--queue', 'later', '-n', '1']);
    expect(due.stdout.toString()).toBe('wake-up\n');
    expect(Date.now() - sent).toBeGreaterThanOrEqual(6000);
  });

  it('a job released until its delivery limit is dead: describe shows dead 1, workers.dlq holds it, redrive --rate sends it back', async () => {
    await ok(['produce', 'jobs', 'poison']);
    const worker = client.queue({ name: 'workers' });
    try {
      for (let attempt = 1; attempt <= 3; attempt++) {
        const [m] = await worker.receive({ max: 1, maxWaitMs: 5_000 });
        expect(m?.value?.toString(), `delivery ${attempt}`).toBe('poison');
        await m.release();
      }
    } finally {
      await worker.close();
    }
    const dead = await described('workers');
    expect(total(dead, 'archived')).toBe(1);
    expect((await ok(['queue', 'describe', 'workers'])).stdout.toString()).toContain('0 in flight, 1 dead');
    expect(lines((await ok(['consume', 'workers.dlq', '--from-beginning', '-e'])).stdout)).toEqual(['poison']);

    const redriven = await ok(['queue', 'redrive', 'workers', '--rate', '50']);
    expect(redriven.stderr).toContain('klog: queue workers: 1 dead record(s) sent back');
    expect((await ok(['consume', 'jobs', '--queue', 'workers', '-n', '1'])).stdout.toString()).toBe('poison\n');
  });

  it('Ctrl-C ends a following consume --queue with exit 0, leaving nothing in flight', async () => {
    await ok(['queue', 'create', 'tail', '--topic', 'tailed']);
    await ok(['produce', 'tailed', 'one']);
    const child = spawnKlog(['consume', 'tailed', '--queue', 'tail'], { broker: tb.address });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdin!.end();
    await waitForText(child.stdout!, (t) => t.includes('one\n'));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const d = await described('tail');
    expect([d.members.length, total(d, 'inFlight'), total(d, 'ready')]).toEqual([0, 0, 0]);
  });

  it('reset --to-earliest delivers everything again; delete removes the queue and keeps its topics', async () => {
    await ok(['queue', 'reset', 'printer', '--to-earliest']);
    expect(lines((await ok(['consume', 'prints', '--queue', 'printer', '-e'])).stdout)).toEqual(['a', 'b']);
    await ok(['queue', 'reset', 'printer', '--to-time', '-1h']);
    const deleted = await ok(['queue', 'delete', 'printer']);
    expect(deleted.stderr).toBe('klog: deleted queue printer\n');
    expect((await ok(['queue', 'list', '--json'])).stdout.toString()).not.toContain('printer');
    expect(lines((await ok(['topic', 'list'])).stdout)).toContain('prints');
  });

  it('bad input is one line naming the fix: unknown queue, --delay -5s, --lock abc, a topic the queue does not read', async () => {
    await ok(['queue', 'create', 'workers', '--topic', 'jobs']); // as the first test left it, so this one runs alone too
    expectOneLineError(await klog(['queue', 'describe', 'nope']), 'nope', 'klog queue list', 'klog queue create nope --topic');
    expectOneLineError(await klog(['consume', 'jobs', '--queue', 'nope', '-n', '1']), 'nope', 'klog queue create nope --topic jobs');
    expectOneLineError(await klog(['produce', 'jobs', '--delay', '-5s', 'x']), '--delay must be a positive duration', 'got "-5s"');
    expectOneLineError(await klog(['queue', 'create', 'w2', '--topic', 'jobs', '--lock', 'abc']), '--lock must be a positive duration', 'klog queue create --help');
    expectOneLineError(await klog(['queue', 'create', 'w2', '--topic', 'jobs', '--backoff', '1s..']), '--backoff must be BASE..MAX like 1s..60s');
    expectOneLineError(await klog(['consume', 'prints', '--queue', 'workers', '-e']), 'queue workers reads jobs, not prints');
    expectOneLineError(await klog(['consume', 'jobs', '--queue', 'workers', '--from-beginning']), '--from-beginning cannot be used with --queue', 'klog queue reset workers');
    expectOneLineError(await klog(['queue', 'reset', 'workers']), 'exactly one of --to-earliest, --to-latest, --to-time');
  });
});
