import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isKlogError, LogStore, type ErrorCode, type Logger } from '@klog/log-core';
import { afterEach, beforeEach, expect } from 'vitest';
import { ManualClock, QueueManager } from '../src/index.js';
import { propertyParameters } from '../../../test/reliability/fuzz-seed.js';

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A fresh temp directory for a real LogStore. */
export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'klog-queue-'));
}

export async function openStore(dir: string, topics: Record<string, number> = {}): Promise<LogStore> {
  const store = await LogStore.open(dir, { fsync: 'never', logger: silentLogger });
  for (const [name, partitions] of Object.entries(topics)) {
    if (!store.hasTopic(name)) await store.createTopic(name, { partitions });
  }
  return store;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** fast-check parameters with a seed from KLOG_FUZZ_SEED (or a fresh one), printed so a failure can be replayed. */
export function replayable(name: string, numRuns: number): { numRuns: number; seed: number } {
  const params = propertyParameters(numRuns);
  console.log(`${name}: seed ${params.seed} (replay: KLOG_FUZZ_SEED=${params.seed} npx vitest run packages/queue)`);
  return params;
}

export async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err, `expected ${code}`).toBeDefined();
  expect(isKlogError(err) ? err.code : err).toBe(code);
}

/** Lets pending promise callbacks and I/O callbacks run (the store's appends resolve on the event loop). */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** Polls `cond` (letting I/O run) until it holds, failing after `ms` of real time. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * A fresh store over a temp directory, with these topics, and a QueueManager on it under a manual clock, made before
 * each test and closed after it; read them through the returned object (they change from test to test).
 */
export function useQueueManager(topics: Record<string, number>): { readonly store: LogStore; readonly queues: QueueManager } {
  let dir = '';
  let store: LogStore | undefined;
  let queues: QueueManager | undefined;
  beforeEach(async () => {
    dir = await tempDir();
    store = await openStore(dir, topics);
    queues = await QueueManager.open(store, { clock: new ManualClock(), logger: silentLogger });
  });
  afterEach(async () => {
    await queues?.close().catch(() => undefined);
    await store?.close();
    await removeDir(dir);
  });
  return { get store() { return store!; }, get queues() { return queues!; } };
}
