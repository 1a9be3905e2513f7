// A reader at the tail is answered from a copy of the last batch written, which the active segment keeps, not from
// the file. What must hold: the same bytes as the file holds, a copy per reader, and nothing from it once it is not
// the newest batch of the active segment.
import { openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { expectKlogError, openStore, removeTempDirs, segmentFiles, tempDir } from './store-fixture.js';

afterEach(removeTempDirs);

const value = (s: string): { value: Buffer } => ({ value: Buffer.from(s) });

it('the last batch read back is the one on disk, and each reader gets its own copy', async () => {
  const dir = tempDir();
  let store = await openStore(dir);
  await store.createTopic('t', { partitions: 1 });
  await store.append('t', [value('a'), value('b')], { partition: 0 });
  await store.append('t', [value('c'), value('d')], { partition: 0 });
  const fromTail = await store.readBatches('t', 0, { offset: 3 });
  const mine = await store.read('t', 0, { offset: 2 });
  mine.records[0].value!.fill(0); // a reader scribbling on its records...
  expect((await store.read('t', 0, { offset: 2 })).records.map((r) => r.value!.toString())).toEqual(['c', 'd']); // ...alone
  await store.close();
  store = await openStore(dir); // no tail after a reopen: from the file
  expect((await store.readBatches('t', 0, { offset: 3 })).data.equals(fromTail.data)).toBe(true);
  await store.close();
});

it('serves the tail from memory: a reader there does not see the file (shown by damaging the file)', async () => {
  const dir = tempDir();
  const store = await openStore(dir);
  await store.createTopic('t', { partitions: 1 });
  await store.append('t', [value('first')], { partition: 0 });
  await store.append('t', [value('second')], { partition: 0 });
  // Zeros over the whole segment file behind the store's back.
  const [file] = segmentFiles(join(dir, 't-0'));
  const fd = openSync(file.path, 'r+');
  writeSync(fd, Buffer.alloc(file.size), 0, file.size, 0);
  closeSync(fd);
  expect((await store.read('t', 0, { offset: 1 })).records.map((r) => r.value!.toString())).toEqual(['second']);
  await expectKlogError(store.read('t', 0, { offset: 0 }), 'CORRUPT_DATA'); // the batch before it comes from the file
  await store.close();
});

it('keeps no tail for a batch over 4 KiB', async () => {
  const dir = tempDir();
  const store = await openStore(dir);
  await store.createTopic('t', { partitions: 1 });
  await store.append('t', [{ value: Buffer.alloc(5_000, 1) }], { partition: 0 });
  const [file] = segmentFiles(join(dir, 't-0'));
  const fd = openSync(file.path, 'r+');
  writeSync(fd, Buffer.alloc(file.size), 0, file.size, 0);
  closeSync(fd);
  await expectKlogError(store.read('t', 0, { offset: 0 }), 'CORRUPT_DATA'); // read from the (damaged) file
  await store.close();
});
