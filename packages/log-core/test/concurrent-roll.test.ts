import { afterEach, expect, it } from 'vitest';
import { openStore, removeTempDirs, tempDir } from './store-fixture.js';

afterEach(removeTempDirs);

it('a reader tailing the active segment while appends roll it keeps reading the right records', async () => {
  const store = await openStore(tempDir(), { fsync: 'never' });
  // Tiny segments: nearly every append rolls, sealing the segment a reader may be in the middle of.
  await store.createTopic('t', { segmentBytes: 1024, maxBatchBytes: 1024 });
  const total = 3_000;
  const abort = new AbortController();
  const seen: string[] = [];
  const reader = (async () => {
    for await (const r of store.tail('t', 0, { offset: 0, signal: abort.signal, maxBytes: 300 })) {
      seen.push(r.value!.toString());
      if (seen.length === total) abort.abort();
    }
  })();
  for (let i = 0; i < total; i += 3) {
    await store.append('t', [0, 1, 2].map((k) => ({ value: Buffer.from(String(i + k)) })), { partition: 0 });
    if (i % 30 === 0) await new Promise((r) => setImmediate(r)); // let the reader run between rolls
  }
  await reader;
  expect(seen).toEqual(Array.from({ length: total }, (_, i) => String(i)));
  expect(store.describeTopic('t').partitions[0].segments).toBeGreaterThan(50);
  await store.close();
});
