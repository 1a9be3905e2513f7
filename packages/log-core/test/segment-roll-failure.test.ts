// A roll that cannot create the next segment fails that append only; the partition takes appends again once
// the cause is gone, with dense offsets.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { segmentBaseName } from '../src/segment-files.js';
import { expectKlogError, openStore, readAll, removeTempDirs, tempDir } from './store-fixture.js';

afterAll(removeTempDirs);

describe('a segment roll that fails', () => {
  it('rejects that append, and the next append rolls and succeeds', async () => {
    const dir = tempDir('klog-roll-fail-');
    const store = await openStore(dir);
    try {
      await store.createTopic('t', { segmentBytes: 1024, maxBatchBytes: 1024, retentionMs: -1 });
      const record = { value: Buffer.alloc(400, 7) };
      await store.append('t', [record]);
      await store.append('t', [record]);
      // The next segment's file name is taken (by a directory), so the roll the third append needs fails.
      const obstacle = join(dir, 't-0', `${segmentBaseName(2)}.log`);
      mkdirSync(obstacle);
      await expectKlogError(store.append('t', [record]), 'STORAGE_ERROR');
      rmSync(obstacle, { recursive: true });

      // A small record alone would fit the sealed segment: it must go to a new one all the same.
      const [ack] = await store.append('t', [{ value: Buffer.from('small') }]);
      expect(ack.offset).toBe(2);
      expect((await readAll(store, 't')).map((r) => r.offset)).toEqual([0, 1, 2]);
      expect(store.describeTopic('t').partitions[0].segments).toBe(2);
    } finally {
      await store.close();
    }
  });
});
