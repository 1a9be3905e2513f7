// An error the broker has no code for (here: topics.json cannot be written, because its temp file's path is
// taken by a directory) reaches the client as a non-retriable INTERNAL_ERROR whose message carries an id, and
// the broker's log has that id with the stack, once. The broker carries on.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createClient, isKlogError, isRetriable, type Logger } from '@klog/client';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { startBroker, type Broker } from '../src/index.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

it('answers an unexpected failure as INTERNAL_ERROR with an id the broker log has, with the stack', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'klog-internal-error-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const logLines: Record<string, unknown>[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { logLines.push(JSON.parse(String(chunk))); done(); } });
  const broker: Broker = await startBroker({ dataDir, host: '127.0.0.1', port: 0, logger: pino({ level: 'info' }, sink) });
  cleanup.push(() => broker.close());
  const client = createClient({ brokers: [`127.0.0.1:${broker.port}`], logger: quiet });
  cleanup.push(() => client.close());
  const admin = client.admin();

  mkdirSync(join(dataDir, 'topics.json.tmp'));
  const err = await admin.createTopic('orders', { partitions: 1 }).then(() => null, (e: unknown) => e);
  expect(isKlogError(err, 'INTERNAL_ERROR'), String(err)).toBe(true);
  expect(isRetriable(err)).toBe(false);
  const message = (err as Error).message;
  const id = /internal broker error \(id ([0-9a-f]{8})\): .*EISDIR.*; the broker log has the stack/.exec(message)?.[1];
  expect(id, message).toBeDefined();

  const logged = logLines.filter((l) => l.errorId !== undefined);
  expect(logged).toHaveLength(1);
  expect(logged[0]).toMatchObject({ level: 50, errorId: id });
  expect((logged[0].err as { stack: string }).stack).toMatch(/EISDIR[\s\S]*\n\s+at /);

  rmSync(join(dataDir, 'topics.json.tmp'), { recursive: true });
  await admin.createTopic('payments', { partitions: 1 });
  expect(await admin.listTopics()).toContain('payments');
});
