// Queue members in other processes: more members than partitions share one partition's records, and a member
// killed with kill -9 (or frozen past its session) while holding records loses them to the others.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { clientFor, removeTempDirs, startTestBroker, waitUntil } from '../broker/fixture.js';
import { produceNumbered } from '../broker/group-fixture.js';

afterAll(removeTempDirs);

const CHILD = fileURLToPath(new URL('./queue-member.child.mjs', import.meta.url));

interface Line { member?: string; value?: string; deliveryCount?: number; held?: string; holding?: number }

/** A child process of queue members, and every line it printed so far. */
function spawnMembers(port: number, queue: string, members: number, mode: string): { child: ChildProcess; lines: Line[]; exited: Promise<unknown> } {
  const child = spawn(process.execPath, [CHILD, String(port), queue, String(members), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: Line[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(JSON.parse(line) as Line));
  return { child, lines, exited: new Promise((resolve) => child.once('exit', resolve)) };
}

const accepted = (lines: Line[]) => lines.filter((l) => l.value !== undefined);

describe('queue members in other processes', () => {
  it('1 partition, 8 members in 4 processes, 10,000 records: each accepted exactly once, every member got work', async () => {
    const broker = await startTestBroker();
    const client = clientFor(broker);
    const children: ReturnType<typeof spawnMembers>[] = [];
    try {
      await client.admin().createTopic('jobs', { partitions: 1 });
      await client.admin().createQueue({ name: 'many', topics: ['jobs'], start: 'earliest' });
      for (let i = 0; i < 4; i++) children.push(spawnMembers(broker.port, 'many', 2, 'work'));
      await waitUntil(async () => (await client.admin().describeQueue('many')).members.length === 8, 'all eight members fetch');
      await produceNumbered(client, 'jobs', 0, 10_000);
      const all = () => children.flatMap((c) => accepted(c.lines));
      await waitUntil(() => all().length >= 10_000, 'every record is accepted', 150_000);
      const values = all().map((l) => l.value);
      expect(values).toHaveLength(10_000);
      expect(new Set(values).size).toBe(10_000);
      const memberIds = children.flatMap((c) => c.lines.filter((l) => l.value === undefined).map((l) => l.member));
      expect(memberIds).toHaveLength(8);
      for (const m of memberIds) expect(all().some((l) => l.member === m)).toBe(true);
      expect((await client.admin().describeQueue('many')).partitions[0]).toMatchObject({ lag: 0, archived: 0 });
    } finally {
      for (const c of children) c.child.kill('SIGKILL');
      await Promise.all(children.map((c) => c.exited));
      await client.close();
      await broker.close();
    }
  }, 180_000);

  it('a member killed with kill -9 while holding records: every record is accepted, extra deliveries at most what it held', async () => {
    const broker = await startTestBroker();
    const client = clientFor(broker);
    const victim = spawnMembers(broker.port, 'crash', 1, 'hold:20');
    try {
      await client.admin().createTopic('jobs', { partitions: 2 });
      await client.admin().createQueue({ name: 'crash', topics: ['jobs'], start: 'earliest', lockMs: 120_000 });
      await produceNumbered(client, 'jobs', 0, 2_000);
      await waitUntil(() => victim.lines.some((l) => l.holding !== undefined), 'the child holds records');
      const held = victim.lines.filter((l) => l.held !== undefined).map((l) => l.held!);
      victim.child.kill('SIGKILL');
      await victim.exited;

      // The survivors: the lock (2 minutes) has not run out, so the records come back because the connection closed.
      const deliveries = new Map<string, number>();
      const survivors = [0, 1].map(() => client.queue({ name: 'crash', valueDeserializer: 'string' }));
      const runs = survivors.map((q) => q.run({ concurrency: 4, eachMessage: async ({ message }) => {
        deliveries.set(message.value as string, (deliveries.get(message.value as string) ?? 0) + 1);
      } }));
      const childAccepted = accepted(victim.lines).map((l) => l.value!);
      await waitUntil(() => deliveries.size + childAccepted.length >= 2_000, 'every record is accepted', 60_000);
      await waitUntil(async () => (await client.admin().describeQueue('crash')).partitions.every((p) => p.lag === 0), 'nothing is left');
      await Promise.all(survivors.map((q) => q.close()));
      await Promise.all(runs);

      const everything = new Set([...childAccepted, ...deliveries.keys()]);
      expect(everything.size).toBe(2_000);
      // What the child accepted never came again; what it held came again once.
      for (const v of childAccepted) expect(deliveries.has(v)).toBe(false);
      const extra = [...deliveries.values()].reduce((a, n) => a + n, 0) + childAccepted.length - 2_000 + held.length;
      expect(extra).toBeLessThanOrEqual(held.length);
      for (const v of held) expect(deliveries.get(v)).toBe(1);
    } finally {
      if (victim.child.exitCode === null) victim.child.kill('SIGKILL');
      await client.close();
      await broker.close();
    }
  });

  /**
   * A broker with a topic `jobs` and a queue on it, and one member in a child process that takes `records` and
   * is frozen (SIGSTOP, its connection left open) once it holds what it will hold; `body` plays the live side.
   */
  async function withFrozenMember(
    opts: { mode: string; records: number; lockMs: number; sessionTimeoutMs?: number; holding: (lines: Line[]) => boolean },
    body: (client: ReturnType<typeof clientFor>, frozen: ReturnType<typeof spawnMembers>) => Promise<void>,
  ): Promise<void> {
    const broker = await startTestBroker(opts.sessionTimeoutMs === undefined ? {} : { queueSessionTimeoutMs: opts.sessionTimeoutMs });
    const client = clientFor(broker);
    const frozen = spawnMembers(broker.port, 'frozen', 1, opts.mode);
    try {
      await client.admin().createTopic('jobs');
      await client.admin().createQueue({ name: 'frozen', topics: ['jobs'], start: 'earliest', lockMs: opts.lockMs });
      await produceNumbered(client, 'jobs', 0, opts.records);
      await waitUntil(() => opts.holding(frozen.lines), 'the child holds its records');
      frozen.child.kill('SIGSTOP');
      await body(client, frozen);
    } finally {
      frozen.child.kill('SIGKILL');
      await frozen.exited;
      await client.close();
      await broker.close();
    }
  }

  it('a frozen run() member whose lock runs out does not take its record back with the fetch it left waiting', async () => {
    // The frozen handler's first renewal would come half a lock after it started: long after the SIGSTOP. Its
    // run() has a fetch for the next record waiting at the broker (5 s): the only waiter when the lock runs out.
    const holding = (lines: Line[]) => lines.some((l) => l.held !== undefined);
    await withFrozenMember({ mode: 'run-hold', records: 1, lockMs: 2_000, holding }, async (client) => {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const q = client.queue({ name: 'frozen', valueDeserializer: 'string' });
      const counts: number[] = [];
      const run = q.run({ concurrency: 1, eachMessage: async ({ deliveryCount }) => void counts.push(deliveryCount) });
      await waitUntil(() => counts.length > 0, 'the live member gets the record', 30_000);
      // 2, not 3: the frozen member's waiting fetch did not take the record back when its lock ran out (it would
      // then have held it, unanswered, for another whole lock).
      expect(counts).toEqual([2]);
      await q.close();
      await run;
    });
  });

  it('a member frozen past its session timeout (its connection still open) loses its records to the others', async () => {
    const holding = (lines: Line[]) => lines.some((l) => l.holding !== undefined);
    // The lock lasts ten minutes: only the end of the session can hand these records over.
    await withFrozenMember({ mode: 'hold:5', records: 20, lockMs: 600_000, sessionTimeoutMs: 1_000, holding }, async (client, frozen) => {
      const held = frozen.lines.filter((l) => l.held !== undefined).map((l) => l.held!);
      const q = client.queue({ name: 'frozen', valueDeserializer: 'string' });
      const got = new Set<string>();
      const run = q.run({ concurrency: 2, eachMessage: async ({ message }) => void got.add(message.value as string) });
      await waitUntil(() => held.every((v) => got.has(v)), 'the frozen member\'s records go to the live one');
      expect((await client.admin().describeQueue('frozen')).members.map((m) => m.memberId)).toEqual([q.memberId]);
      await q.close();
      await run;
    });
  });
});
