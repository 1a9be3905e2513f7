// The broker killed with kill -9 while a member acknowledges (fsync always): after the restart no record whose
// accept was answered is delivered again, and none is lost. And delays (a release with delayMs, a record produced
// with a deliver-at header) hold across a kill -9 and restart of the broker: not delivered early, delivered when due.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, type Logger } from '@klog/client';
import { removeTempDirs, tempDir, waitUntil } from '../broker/fixture.js';
import { produceNumbered } from '../broker/group-fixture.js';

afterAll(removeTempDirs);

const BROKER = fileURLToPath(new URL('../reliability/fixtures/broker-process.mjs', import.meta.url));
/** The header that makes a queue hold a record until then (epoch ms as text): docs/queue-mode.md. */
const DELIVER_AT = 'klog-deliver-at';
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;

async function brokerProcess(dataDir: string) {
  const child = spawn(process.execPath, [BROKER, JSON.stringify({ dataDir, port: 0, fsync: 'always', logLevel: 'silent' })], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { listening: number }).listening));
    child.once('exit', () => reject(new Error('broker exited before listening')));
  });
  const client = createClient({ brokers: [`127.0.0.1:${port}`], clientId: 'crash', logger: quiet });
  return { child, exited, client };
}

describe('queue state across a broker crash', () => {
  it('kill -9 of the broker during acknowledgements: no accepted record comes again, none is lost', async () => {
    const dataDir = tempDir();
    const total = 2_000;
    const first = await brokerProcess(dataDir);
    const accepted = new Set<string>();
    /** Accepts whose answer never came: durable or not, the test cannot know. */
    const unanswered = new Set<string>();
    try {
      await first.client.admin().createTopic('jobs', { partitions: 2 });
      await produceNumbered(first.client, 'jobs', 0, total);
      const q = first.client.queue({ name: 'durable', topics: ['jobs'], start: 'earliest', valueDeserializer: 'string' });
      const run = q.run({ concurrency: 4, eachMessage: async ({ message }) => {
        try {
          await message.accept();
          accepted.add(message.value as string);
        } catch (err) {
          unanswered.add(message.value as string);
          throw err;
        }
      } });
      await waitUntil(() => accepted.size >= 500, 'some records are accepted');
      first.child.kill('SIGKILL');
      await first.exited;
      await q.close();
      await run;
    } finally {
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
      await first.client.close();
    }
    expect(accepted.size).toBeLessThan(total); // killed mid-stream, not after the end

    const second = await brokerProcess(dataDir);
    try {
      const after = new Map<string, number>();
      const q = second.client.queue({ name: 'durable', valueDeserializer: 'string' });
      const run = q.run({ concurrency: 4, eachMessage: async ({ message }) => {
        after.set(message.value as string, (after.get(message.value as string) ?? 0) + 1);
      } });
      await waitUntil(async () => (await second.client.admin().describeQueue('durable')).partitions.every((p) => p.lag === 0), 'the rest is accepted');
      await q.close();
      await run;
      for (const v of accepted) expect(after.has(v), `accepted record ${v} delivered again`).toBe(false);
      const all = new Set([...accepted, ...after.keys(), ...unanswered]);
      expect(all.size).toBe(total);
      expect(unanswered.size).toBeLessThanOrEqual(4);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
      await second.client.close();
    }
  }, 120_000);
  it('kill -9 of the broker with a delayed release and a delayed record: after the restart neither comes early, both come when due', async () => {
    const dataDir = tempDir();
    const DELAY_MS = 10_000;
    const first = await brokerProcess(dataDir);
    let releasedDue = 0;
    let producedDue = 0;
    try {
      await first.client.admin().createTopic('later', { partitions: 1 });
      const q = first.client.queue({ name: 'later-q', topics: ['later'], start: 'earliest', valueDeserializer: 'string' });
      const producer = first.client.producer();
      await producer.send({ topic: 'later', messages: [{ value: 'released' }] });
      const [m] = await q.receive({ max: 1, maxWaitMs: 5_000 });
      expect(m?.value).toBe('released');
      releasedDue = Date.now() + DELAY_MS;
      await m.release({ delayMs: DELAY_MS });
      producedDue = Date.now() + DELAY_MS;
      await producer.send({ topic: 'later', messages: [{ value: 'produced', headers: [{ key: DELIVER_AT, value: String(producedDue) }] }] });
      await producer.close();
      await waitUntil(async () => (await first.client.admin().describeQueue('later-q')).partitions[0]?.delayed === 2, 'both records are delayed');
      first.child.kill('SIGKILL');
      await first.exited;
      await q.close();
    } finally {
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
      await first.client.close();
    }

    const second = await brokerProcess(dataDir);
    try {
      const q = second.client.queue({ name: 'later-q', valueDeserializer: 'string' });
      const early = await q.receive({ max: 2, maxWaitMs: 500 });
      // Meaningful only while both are still due later (the restart took well under the delay).
      expect(Date.now()).toBeLessThan(Math.min(releasedDue, producedDue));
      expect(early.map((r) => r.value)).toEqual([]);
      const got = new Map<string, number>();
      while (got.size < 2) {
        for (const r of await q.receive({ max: 2, maxWaitMs: 2 * DELAY_MS })) {
          got.set(r.value as string, Date.now());
          await r.accept();
        }
      }
      expect(got.get('released')!).toBeGreaterThanOrEqual(releasedDue);
      expect(got.get('produced')!).toBeGreaterThanOrEqual(producedDue);
      await q.close();
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
      await second.client.close();
    }
  }, 120_000);
});
