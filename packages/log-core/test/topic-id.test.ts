// Topic ids: made with the topic, kept in topics.json, the same after a reopen, a new one for a topic made again,
// and given (and kept) to topics saved before ids existed.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatTopicId, newTopicId } from '../src/topic-id.js';
import { expectKlogError, openStore, removeTempDirs, tempDir } from './store-fixture.js';

afterAll(removeTempDirs);

function savedIds(dir: string): Record<string, unknown> {
  const { topics } = JSON.parse(readFileSync(join(dir, 'topics.json'), 'utf8')) as { topics: Record<string, { topicId?: unknown }> };
  return Object.fromEntries(Object.entries(topics).map(([name, t]) => [name, t.topicId]));
}

describe('topic ids', () => {
  it('gives each topic its own 16-byte id, kept across alter, grow and reopen', async () => {
    const dir = tempDir('klog-topic-id-');
    const store = await openStore(dir);
    await store.createTopic('a');
    await store.createTopic('b');
    const a = store.topicId('a');
    expect(a.length).toBe(16);
    expect(store.topicId('b').equals(a)).toBe(false);
    await store.alterTopicConfig('a', { retentionMs: 1000 });
    await store.addPartitions('a', 3);
    expect(store.topicId('a')).toEqual(a);
    expect(store.topicNameById(a)).toBe('a');
    expect(store.topicNameById(Buffer.alloc(16))).toBeUndefined();
    expect(savedIds(dir).a).toBe(formatTopicId(a));
    await store.close();

    const reopened = await openStore(dir);
    try {
      expect(reopened.topicId('a')).toEqual(a);
    } finally {
      await reopened.close();
    }
  });

  it('gives a topic deleted and made again a new id', async () => {
    const store = await openStore(tempDir('klog-topic-id-again-'));
    try {
      await store.createTopic('t');
      const first = store.topicId('t');
      await store.deleteTopic('t');
      await store.createTopic('t');
      expect(store.topicId('t').equals(first)).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('gives topics saved without an id one at open, and saves it at once', async () => {
    const dir = tempDir('klog-topic-id-old-');
    const store = await openStore(dir);
    await store.createTopic('old');
    await store.close();
    const file = join(dir, 'topics.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as { topics: Record<string, Record<string, unknown>> };
    delete json.topics.old.topicId;
    writeFileSync(file, JSON.stringify(json));

    const reopened = await openStore(dir);
    const given = reopened.topicId('old');
    await reopened.close();
    expect(savedIds(dir).old).toBe(formatTopicId(given));
    const again = await openStore(dir);
    try {
      expect(again.topicId('old')).toEqual(given);
    } finally {
      await again.close();
    }
  });

  it('refuses a damaged id in topics.json instead of inventing a new one', async () => {
    const dir = tempDir('klog-topic-id-bad-');
    const store = await openStore(dir);
    await store.createTopic('t');
    await store.close();
    const file = join(dir, 'topics.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"topicId": "[^"]+"/, '"topicId": "not-an-id"'));
    await expectKlogError(openStore(dir), 'CORRUPT_DATA');
  });

  it('makes ids as Kafka does: never zero, never the reserved 0…01, never printed with a leading "-"', () => {
    for (let i = 0; i < 2000; i++) {
      const id = newTopicId();
      expect(id.length).toBe(16);
      expect(id.subarray(0, 15).every((b) => b === 0) && id[15] <= 1).toBe(false);
      const printed = formatTopicId(id);
      expect(printed).toHaveLength(22);
      expect(printed.startsWith('-')).toBe(false);
    }
  });
});
