// A member that dies without leaving (SIGKILL of its process): within its session timeout its partitions move
// to the other members, and every record is still processed at least once.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { clientFor, removeTempDirs, startTestBroker, waitUntil } from './fixture.js';
import { GROUP_DEFAULTS, produceNumbered, startMember, waitForBalance } from './group-fixture.js';

afterAll(removeTempDirs);

const CHILD = fileURLToPath(new URL('./group-member.child.mjs', import.meta.url));

describe('consumer groups: a member crashes', () => {
  it('moves the dead member\'s partitions to the others within the session timeout; nothing is lost', async () => {
    const broker = await startTestBroker();
    const client = clientFor(broker);
    const child = spawn(process.execPath, [CHILD, String(broker.port), 'g-crash', 'jobs'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const childValues: string[] = [];
    let childAssignment: { topic: string; partition: number }[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const msg = JSON.parse(line) as { assignment?: string; value?: string };
      if (msg.assignment !== undefined) childAssignment = JSON.parse(msg.assignment);
      else childValues.push(msg.value!);
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await client.admin().createTopic('jobs', { partitions: 6 });
      const members = await Promise.all([0, 1].map(() => startMember(client, 'g-crash', { topics: ['jobs'] }, { fromBeginning: true })));
      await waitUntil(async () => {
        const d = await client.admin().describeGroup('g-crash').catch(() => null); // not there before the first join
        return d !== null && d.state === 'Stable' && d.members.length === 3 && d.members.every((m) => m.assignment?.length === 2);
      }, 'the child and the two in-process members share the partitions');
      // First records: the child starts working through its share.
      await produceNumbered(client, 'jobs', 0, 6_000);
      await waitUntil(() => childAssignment.length === 2 && childValues.length >= 300, 'the child member processes records');

      child.kill('SIGKILL');
      await exited;
      const killedAt = Date.now();
      await produceNumbered(client, 'jobs', 6_000, 6_000);

      // The survivors take over all six partitions once the coordinator gives up on the dead member.
      await waitForBalance(members, 6);
      const takeover = Date.now() - killedAt;
      expect(takeover).toBeLessThan(GROUP_DEFAULTS.sessionTimeoutMs + GROUP_DEFAULTS.sessionTimeoutMs); // a generous safety net
      const all = () => new Set([...childValues, ...members.flatMap((m) => m.values)]);
      await waitUntil(() => all().size === 12_000, 'every record is processed at least once');
      for (const m of members) {
        await m.consumer.close();
        await m.running;
      }
      const seen = all();
      const missing = Array.from({ length: 12_000 }, (_, i) => String(i)).filter((v) => !seen.has(v));
      expect(missing).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await client.close();
      await broker.close();
    }
  });
});
