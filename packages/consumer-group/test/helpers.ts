import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isKlogError, LogStore, type ErrorCode } from '@klog/log-core';
import { expect } from 'vitest';
import { GroupCoordinator, ManualClock, type GroupCoordinatorOptions, type JoinRequest } from '../src/index.js';

/** A real LogStore in a fresh temp directory, with the given topics (name -> partitions). */
export async function openStore(dir?: string, topics: Record<string, number> = {}) {
  const path = dir ?? (await mkdtemp(join(tmpdir(), 'klog-cg-')));
  const store = await LogStore.open(path, { fsync: 'never' });
  for (const [name, partitions] of Object.entries(topics)) {
    if (!store.hasTopic(name)) await store.createTopic(name, { partitions });
  }
  return { store, dir: path };
}

export interface Harness {
  store: LogStore;
  dir: string;
  clock: ManualClock;
  coordinator: GroupCoordinator;
  close(): Promise<void>;
}

export async function harness(topics: Record<string, number>, opts: GroupCoordinatorOptions = {}): Promise<Harness> {
  const { store, dir } = await openStore(undefined, topics);
  const clock = new ManualClock(1_000_000);
  const coordinator = await GroupCoordinator.open(store, { clock, ...opts });
  return {
    store,
    dir,
    clock,
    coordinator,
    async close() {
      await coordinator.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Native join defaults for tests: 10 s session, 30 s rebalance timeout. */
export function nativeJoin(groupId: string, extra: Partial<JoinRequest> = {}): JoinRequest {
  return { groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000, subscription: { topics: ['t'] }, ...extra };
}

export async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toBeDefined();
  expect(isKlogError(err) ? err.code : err).toBe(code);
}

/** Settles pending promise callbacks so "has this join resolved yet?" can be asked without timing. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

export function track<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  return { promise, settled: () => done };
}
