import { afterEach, expect, it } from 'vitest';
import { WaitForFirst, type LogStore } from '../src/index.js';
import { openStore, removeTempDirs, tempDir } from './store-fixture.js';

afterEach(removeTempDirs);

async function withStore(fn: (store: LogStore) => Promise<void>): Promise<void> {
  const store = await openStore(tempDir());
  await store.createTopic('t', { partitions: 3 });
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

it('a wait on several partitions ends with the first append, and lets go of the others', async () => {
  await withStore(async (store) => {
    const wait = new WaitForFirst();
    for (const p of [0, 1, 2]) wait.add(store.onAppend('t', p, 0, wait.end));
    expect([0, 1, 2].map((p) => store.hasWaitingReaders('t', p))).toEqual([true, true, true]);
    let ended = false;
    void wait.promise.then(() => (ended = true));
    await store.append('t', [{ value: Buffer.from('x') }], { partition: 1 });
    await wait.promise;
    expect(ended).toBe(true);
    expect([0, 1, 2].map((p) => store.hasWaitingReaders('t', p))).toEqual([false, false, false]);
  });
});

it('onAppend registers nothing when the end is past the offset already, and the wait ends at once', async () => {
  await withStore(async (store) => {
    await store.append('t', [{ value: Buffer.from('x') }], { partition: 0 });
    expect(store.onAppend('t', 0, 0, () => undefined)).toBeNull();
    const wait = new WaitForFirst();
    wait.add(store.onAppend('t', 2, 0, wait.end));
    wait.add(store.onAppend('t', 0, 0, wait.end)); // past already: ends the wait, and the first source with it
    expect(wait.ended).toBe(true);
    expect(store.hasWaitingReaders('t', 2)).toBe(false);
    const late = store.onAppend('t', 1, 0, wait.end);
    wait.add(late); // added to an ended wait: cancelled at once
    expect(store.hasWaitingReaders('t', 1)).toBe(false);
  });
});

it('a cancelled onAppend is never called; closing the store wakes the rest', async () => {
  await withStore(async (store) => {
    const calls: string[] = [];
    const cancel = store.onAppend('t', 0, 0, () => calls.push('cancelled one'))!;
    store.onAppend('t', 0, 0, () => calls.push('kept'));
    cancel();
    await store.append('t', [{ value: Buffer.from('x') }], { partition: 0 });
    expect(calls).toEqual(['kept']);
    store.onAppend('t', 1, 0, () => calls.push('woken by close'));
    await store.close();
    expect(calls).toEqual(['kept', 'woken by close']);
  });
});

it('ends on abort (also when aborted before), on its timeout, and by end(); each once', async () => {
  const ac = new AbortController();
  const byAbort = new WaitForFirst();
  byAbort.addSignal(ac.signal);
  byAbort.addTimeout(60_000);
  ac.abort('stop');
  await byAbort.promise;

  const early = new WaitForFirst();
  early.addSignal(ac.signal); // aborted already
  expect(early.ended).toBe(true);

  const started = performance.now();
  const byTimeout = new WaitForFirst();
  byTimeout.addTimeout(20);
  await byTimeout.promise;
  expect(performance.now() - started).toBeGreaterThanOrEqual(19);

  let cancels = 0;
  const byEnd = new WaitForFirst();
  byEnd.add(() => cancels++);
  byEnd.end();
  byEnd.end();
  await byEnd.promise;
  expect(cancels).toBe(1);
});
