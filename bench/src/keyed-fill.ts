import { randomBytes } from 'node:crypto';
import type { LogStore } from '@klog/log-core';

/**
 * Fills a compacted topic with `records` records over `keys` distinct keys (each key rewritten about
 * records / keys times), in batches of 1000: the dirty log the compaction benchmark steps clean.
 */
export async function fillKeyed(store: LogStore, topic: string, records: number, keys: number, keyBytes: number, valueBytes: number): Promise<void> {
  if (!store.hasTopic(topic)) await store.createTopic(topic, { partitions: 1, cleanupPolicy: 'compact', segmentBytes: 8 * 1024 * 1024 });
  const pool = randomBytes(4 * 1024 * 1024);
  for (let done = 0; done < records; done += 1000) {
    const batch = Array.from({ length: Math.min(1000, records - done) }, (_, i) => {
      const n = done + i;
      const at = (n * 131) % (pool.length - valueBytes);
      return { key: Buffer.from(String(n % keys).padStart(keyBytes, '0')), value: pool.subarray(at, at + valueBytes) };
    });
    await store.append(topic, batch, { partition: 0 });
  }
}
