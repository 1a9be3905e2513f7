import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBatch, LogStore } from '@klog/log-core';
import { expect, it } from 'vitest';
import { appendReadersFirst } from '../src/services/readers-first.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

async function withStore(fn: (store: LogStore) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'klog-readers-first-'));
  const store = await LogStore.open(dir, { fsync: 'never', logger: quiet });
  try {
    await store.createTopic('t', { partitions: 2 });
    await fn(store);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A reader of partition 0: waits for an append, then reads it (several steps, as a consumer's answer takes). */
async function reader(store: LogStore, done: string[]): Promise<void> {
  await store.waitForAppend('t', 0, 0, 60_000);
  const { records } = await store.read('t', 0, { offset: 0 });
  await Promise.resolve();
  done.push(`reader read ${records.length}`);
}

it('answers an append that woke a waiting reader after the reader has done its work', async () => {
  await withStore(async (store) => {
    const done: string[] = [];
    const reading = reader(store, done);
    expect(store.hasWaitingReaders('t', 0)).toBe(true);
    expect(store.hasWaitingReaders('t', 1)).toBe(false);
    const appended = await appendReadersFirst(store, 't', 0, encodeBatch([{ value: Buffer.from('x') }]));
    done.push(`producer answered at ${appended.baseOffset}`);
    await reading;
    expect(done).toEqual(['reader read 1', 'producer answered at 0']);
    expect(store.hasWaitingReaders('t', 0)).toBe(false); // woken, so no longer waiting
  });
});

it('answers an append that woke nobody within its turn', async () => {
  await withStore(async (store) => {
    let turnOver = false;
    setImmediate(() => (turnOver = true));
    const appended = await appendReadersFirst(store, 't', 1, encodeBatch([{ value: Buffer.from('y') }]));
    expect(appended.baseOffset).toBe(0);
    expect(turnOver).toBe(false);
  });
});

it('has no waiting readers on a topic or partition that does not exist', async () => {
  await withStore(async (store) => {
    expect(store.hasWaitingReaders('nope', 0)).toBe(false);
    expect(store.hasWaitingReaders('t', 7)).toBe(false);
  });
});
