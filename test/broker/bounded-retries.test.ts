// A client meeting a retriable error that does not go away (a full disk, a broker that is gone) retries for
// maxRetryTimeMs, saying so in a warning at every retry, and then gives up with the last error — it never waits
// forever without a word.
import { existsSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type Broker } from '@klog/broker';
import { createClient, isKlogError, type Client, type Logger } from '@klog/client';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, startTestBroker, tempDir } from './fixture.js';

interface Warning { obj: Record<string, unknown>; msg: string }

function recordingLogger(): Logger & { warnings: Warning[] } {
  const warnings: Warning[] = [];
  return { warnings, debug() {}, info() {}, error() {}, warn: (obj, msg) => void warnings.push({ obj: obj as Record<string, unknown>, msg }) };
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  removeTempDirs();
});

function clientOf(address: string, logger: Logger): Client {
  const client = createClient({ brokers: [address], clientId: 'bounded', logger });
  cleanup.push(() => client.close());
  return client;
}

/** A port nothing listens on (bound, then released): a broker that is gone. */
async function deadAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

/** The error the promise rejects with; fails the test if it is still pending well after the retry bound. */
async function givesUp(promise: Promise<unknown>, boundMs: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const stillTrying = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still retrying ${boundMs + 10_000} ms in, with maxRetryTimeMs ${boundMs}`)), boundMs + 10_000);
  });
  try {
    return await Promise.race([promise.then(() => new Error('succeeded'), (err: unknown) => err), stillTrying]);
  } finally {
    clearTimeout(timer);
  }
}

/** Warnings were given at each retry, numbered 1, 2, … and naming the error's code and what was retried. */
function expectRetryWarnings(warnings: Warning[], code: string, what: RegExp): void {
  expect(warnings.length).toBeGreaterThanOrEqual(2);
  warnings.forEach((w, i) => {
    expect(w.obj).toMatchObject({ code, attempt: i + 1 });
    expect(w.msg).toMatch(what);
    expect(w.msg).toContain(code);
  });
}

describe('bounded, visible client retries', () => {
  it.skipIf(!existsSync('/dev/full'))('a producer writing to a full disk gives up with STORAGE_ERROR after maxRetryTimeMs', async () => {
    const dataDir = tempDir();
    let broker: Broker = await startTestBroker({ dataDir });
    const setup = createClient({ brokers: [`127.0.0.1:${broker.port}`], logger: recordingLogger() });
    await setup.admin().createTopic('full', { partitions: 1 });
    await setup.close();
    await broker.close();
    // The partition's active segment becomes /dev/full: every write fails with ENOSPC, for good.
    const partitionDir = join(dataDir, 'full-0');
    const segment = readdirSync(partitionDir).find((f) => f.endsWith('.log'))!;
    rmSync(join(partitionDir, segment));
    symlinkSync('/dev/full', join(partitionDir, segment));
    broker = await startTestBroker({ dataDir });
    cleanup.push(() => broker.close());

    const logger = recordingLogger();
    const producer = clientOf(`127.0.0.1:${broker.port}`, logger).producer({ maxRetryTimeMs: 1_000 });
    const err = await givesUp(producer.send({ topic: 'full', messages: [{ value: 'x' }] }), 1_000);
    expect(isKlogError(err, 'STORAGE_ERROR'), String(err)).toBe(true);
    expect((err as Error).message).toContain('full-0');
    expectRetryWarnings(logger.warnings, 'STORAGE_ERROR', /^produce to full-0 failed/);
  });

  it('a consumer whose broker is gone gives up after maxRetryTimeMs with the connection error', async () => {
    const logger = recordingLogger();
    const consumer = clientOf(await deadAddress(), logger).consumer({ maxRetryTimeMs: 800 });
    consumer.assign([{ topic: 't', partition: 0 }]);
    const err = await givesUp(consumer.poll(), 800);
    expect(isKlogError(err, 'BROKER_NOT_AVAILABLE'), String(err)).toBe(true);
    expectRetryWarnings(logger.warnings, 'BROKER_NOT_AVAILABLE', /^fetch failed/);
  });

  it('a group member whose coordinator is gone stops trying to join after maxRetryTimeMs', async () => {
    const logger = recordingLogger();
    const member = clientOf(await deadAddress(), logger).consumer({ groupId: 'g', maxRetryTimeMs: 800 });
    await member.subscribe({ topics: ['t'] });
    const err = await givesUp(member.run({ eachMessage: () => undefined }), 800);
    expect(isKlogError(err, 'BROKER_NOT_AVAILABLE'), String(err)).toBe(true);
    expectRetryWarnings(logger.warnings, 'BROKER_NOT_AVAILABLE', /^join group g failed/);
  });
});
