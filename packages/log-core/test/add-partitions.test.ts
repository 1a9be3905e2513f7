// LogStore.addPartitions: a topic grows (never shrinks), the new partitions take records at once, the count
// survives a reopen, and a grow that cannot finish leaves the topic and its directory as they were.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectKlogError, openStore, readAll, removeTempDirs, tempDir } from './store-fixture.js';

afterAll(removeTempDirs);

describe('addPartitions', () => {
  it('adds empty partitions that take records, keeps the old ones, and survives a reopen', async () => {
    const dir = tempDir('klog-grow-');
    const store = await openStore(dir);
    await store.createTopic('t', { partitions: 2, retentionMs: 60_000 });
    await store.append('t', [{ value: Buffer.from('old') }], { partition: 1 });
    const grown = await store.addPartitions('t', 5);
    expect(grown.partitions.map((p) => p.logEndOffset)).toEqual([0, 1, 0, 0, 0]);
    expect(grown.config).toMatchObject({ partitions: 5, retentionMs: 60_000 });
    await store.append('t', [{ value: Buffer.from('new') }], { partition: 4 });
    await store.close();

    const reopened = await openStore(dir);
    try {
      expect(reopened.partitionCount('t')).toBe(5);
      expect((await readAll(reopened, 't', 4)).map((r) => r.value?.toString())).toEqual(['new']);
      expect((await readAll(reopened, 't', 1)).map((r) => r.value?.toString())).toEqual(['old']);
    } finally {
      await reopened.close();
    }
  });

  it('refuses to shrink, to stay the same, and unknown topics', async () => {
    const store = await openStore(tempDir('klog-grow-bad-'));
    try {
      await store.createTopic('t', { partitions: 3 });
      await expectKlogError(store.addPartitions('t', 2), 'INVALID_CONFIG');
      await expectKlogError(store.addPartitions('t', 3), 'INVALID_CONFIG');
      await expectKlogError(store.addPartitions('t', 3.5), 'INVALID_CONFIG');
      await expectKlogError(store.addPartitions('nope', 4), 'UNKNOWN_TOPIC');
      expect(store.partitionCount('t')).toBe(3);
    } finally {
      await store.close();
    }
  });

  it('two grows at once both apply in turn, without sharing a directory', async () => {
    const store = await openStore(tempDir('klog-grow-race-'));
    try {
      await store.createTopic('t', { partitions: 1 });
      const [a, b] = await Promise.allSettled([store.addPartitions('t', 3), store.addPartitions('t', 4)]);
      expect(a.status).toBe('fulfilled');
      expect(b.status).toBe('fulfilled');
      expect(store.partitionCount('t')).toBe(4);
    } finally {
      await store.close();
    }
  });

  it('keeps settings altered while it grows, and does not bring back a topic deleted while it grows', async () => {
    const dir = tempDir('klog-grow-interleave-');
    const store = await openStore(dir);
    try {
      await store.createTopic('t', { partitions: 1 });
      const growing = store.addPartitions('t', 8);
      await store.alterTopicConfig('t', { retentionMs: 1234 });
      await growing;
      expect(store.describeTopic('t').config).toMatchObject({ partitions: 8, retentionMs: 1234 });

      // The delete lands at different points of the grow: before it starts, while it makes directories, after.
      for (let ticks = 0; ticks < 12; ticks++) {
        await store.createTopic('gone', { partitions: 1 });
        const grown = store.addPartitions('gone', 8).then(() => null, (err: unknown) => err);
        for (let i = 0; i < ticks; i++) await new Promise((r) => setImmediate(r));
        await store.deleteTopic('gone');
        const outcome = await grown;
        if (outcome !== null) expect(outcome).toMatchObject({ code: 'UNKNOWN_TOPIC' });
        expect(store.hasTopic('gone')).toBe(false);
      }
    } finally {
      await store.close();
    }
    const reopened = await openStore(dir);
    try {
      expect(reopened.listTopics()).toEqual(['t']);
      expect(reopened.describeTopic('t').config).toMatchObject({ partitions: 8, retentionMs: 1234 });
    } finally {
      await reopened.close();
    }
  });

  it('is all or nothing: a partition that cannot be made leaves the topic at its old count', async () => {
    const dir = tempDir('klog-grow-fail-');
    const store = await openStore(dir);
    try {
      await store.createTopic('t', { partitions: 1 });
      writeFileSync(join(dir, 't-3'), 'in the way'); // partition 3's directory cannot be made
      await expect(store.addPartitions('t', 5)).rejects.toThrow(/t-3/);
      expect(store.partitionCount('t')).toBe(1);
      expect(existsSync(join(dir, 't-1'))).toBe(false);
      expect(existsSync(join(dir, 't-2'))).toBe(false);
      expect(existsSync(join(dir, 't-3'))).toBe(true); // the file that was there before
      await store.append('t', [{ value: Buffer.from('still') }]);
    } finally {
      await store.close();
    }
    const reopened = await openStore(dir);
    try {
      expect(reopened.partitionCount('t')).toBe(1);
    } finally {
      await reopened.close();
    }
  });
});
