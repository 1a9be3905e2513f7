// The broker killed with kill -9 while a member acknowledges (fsync always): after the restart no record whose
// accept was answered is delivered again, and none is lost.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, type Logger } from '@klog/client';
import { removeTempDirs, tempDir, waitUntil } from '../broker/fixture.js';
import { produceNumbered } from '../broker/group-fixture.js';

afterAll(removeTempDirs);

const BROKER = fileURLToPath(new URL('../reliability/fixtures/broker-process.mjs', import.meta.url));
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
});
