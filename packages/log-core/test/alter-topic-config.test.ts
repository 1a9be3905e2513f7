// LogStore.alterTopicConfig: a topic's settings change after creation, are validated like createTopic's,
// survive a reopen, and apply to the live partitions.
import { afterAll, describe, expect, it } from 'vitest';
import { expectKlogError, openStore, readAll, removeTempDirs, tempDir } from './store-fixture.js';

afterAll(removeTempDirs);

describe('alterTopicConfig', () => {
  it('returns the new config, keeps it across a reopen, and leaves other topics and settings alone', async () => {
    const dir = tempDir('klog-alter-');
    const store = await openStore(dir);
    await store.createTopic('t', { partitions: 2, retentionMs: 60_000 });
    await store.createTopic('other', { retentionMs: 1000 });
    const updated = await store.alterTopicConfig('t', { retentionMs: -1, retentionBytes: 1 << 20, segmentBytes: 4096, maxBatchBytes: 2048, segmentMs: 5000 });
    expect(updated).toEqual({ partitions: 2, retentionMs: -1, retentionBytes: 1 << 20, segmentBytes: 4096, segmentMs: 5000, maxBatchBytes: 2048,
      cleanupPolicy: 'delete', minCompactionLagMs: 0, minCleanableDirtyRatio: 0.5, deleteRetentionMs: 86_400_000 });
    expect(store.describeTopic('t').config).toEqual(updated);
    await store.close();

    const reopened = await openStore(dir);
    try {
      expect(reopened.describeTopic('t').config).toEqual(updated);
      expect(reopened.describeTopic('other').config.retentionMs).toBe(1000);
    } finally {
      await reopened.close();
    }
  });

  it('applies to the live partitions: new segments use the new size, batches the new limit', async () => {
    const store = await openStore(tempDir('klog-alter-live-'));
    try {
      await store.createTopic('t', { retentionMs: -1 });
      const record = { value: Buffer.alloc(300, 1) };
      for (let i = 0; i < 20; i++) await store.append('t', [record]);
      expect(store.describeTopic('t').partitions[0].segments).toBe(1);

      await store.alterTopicConfig('t', { segmentBytes: 1024, maxBatchBytes: 1024 });
      for (let i = 0; i < 20; i++) await store.append('t', [record]);
      // The first append rolls the oversized segment; then about three records fit in each 1 KiB segment.
      expect(store.describeTopic('t').partitions[0].segments).toBeGreaterThanOrEqual(7);
      await expectKlogError(store.append('t', [{ value: Buffer.alloc(2000) }]), 'RECORD_TOO_LARGE');
      expect(await readAll(store, 't')).toHaveLength(40);
    } finally {
      await store.close();
    }
  });

  it('applies a tighter retention at once', async () => {
    let now = 1_700_000_000_000;
    const store = await openStore(tempDir('klog-alter-retention-'), { now: () => now });
    try {
      await store.createTopic('t', { retentionMs: -1, segmentBytes: 1024, maxBatchBytes: 1024 });
      for (let i = 0; i < 10; i++) await store.append('t', [{ value: Buffer.alloc(400), timestamp: now }]);
      now += 3_600_000;
      await store.append('t', [{ value: Buffer.alloc(400), timestamp: now }]);
      expect(store.logStartOffset('t', 0)).toBe(0);
      await store.alterTopicConfig('t', { retentionMs: 60_000 });
      await store.enforceRetention();
      expect(store.logStartOffset('t', 0)).toBe(10);
    } finally {
      await store.close();
    }
  });

  it('refuses what createTopic refuses, and a change of partition count, changing nothing', async () => {
    const dir = tempDir('klog-alter-invalid-');
    const store = await openStore(dir);
    try {
      await store.createTopic('t', { partitions: 3, segmentBytes: 4096, maxBatchBytes: 4096 });
      const before = store.describeTopic('t').config;
      await expectKlogError(store.alterTopicConfig('t', { segmentBytes: 10 }), 'INVALID_CONFIG');
      await expectKlogError(store.alterTopicConfig('t', { segmentBytes: 2048 }), 'INVALID_CONFIG'); // below maxBatchBytes
      await expectKlogError(store.alterTopicConfig('t', { retentionMs: 0 }), 'INVALID_CONFIG');
      await expectKlogError(store.alterTopicConfig('t', { partitions: 4 }), 'INVALID_CONFIG');
      await expectKlogError(store.alterTopicConfig('t', { colour: 'blue' } as never), 'INVALID_CONFIG');
      await expectKlogError(store.alterTopicConfig('nope', { retentionMs: 1 }), 'UNKNOWN_TOPIC');
      expect(store.describeTopic('t').config).toEqual(before);
      expect(await store.alterTopicConfig('t', { partitions: 3, retentionBytes: -1 })).toEqual(before);
    } finally {
      await store.close();
    }
  });
});

describe('alterTopicConfig with a setting left undefined', () => {
  it('keeps the current value rather than falling back to the default', async () => {
    const store = await openStore(tempDir('klog-alter-undefined-'));
    try {
      await store.createTopic('t', { retentionMs: 1234 });
      const updated = await store.alterTopicConfig('t', { retentionMs: undefined, retentionBytes: 5000 });
      expect(updated.retentionMs).toBe(1234);
      expect(updated.retentionBytes).toBe(5000);
    } finally {
      await store.close();
    }
  });
});
