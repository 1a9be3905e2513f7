import type { StoredRecord } from '@klog/log-core';
import { deadLetterRecord, hasDeadLetter } from './dead-letters.js';
import type { SharePartition } from './share-partition.js';
import type { QueueStore } from './store-port.js';

/** A share partition and the records of its window, as the dead-letter writer needs them. */
export interface DeadLetterSource {
  topic: string;
  partition: number;
  sp: SharePartition;
  cache: { get(offset: number): StoredRecord | undefined };
}

/**
 * Writes the dead letter of every ARCHIVING record of `sources`, once. First the dead-letter partition's end
 * offset is recorded with each record that has no mark yet, and made durable (`persist`); then each record's
 * dead letter is appended and the record marked ARCHIVED. A record marked by an earlier run (which may have died
 * after appending) is looked for in the dead-letter partition from its mark, and appended only if absent.
 * Marks set by this run need no search: nothing was appended for them yet.
 */
export async function writeDeadLetters(
  store: QueueStore,
  persist: () => Promise<void>,
  queue: string,
  dlq: string,
  sources: DeadLetterSource[],
): Promise<void> {
  if (!store.hasTopic(dlq)) await store.createTopic(dlq, { partitions: 1 });
  const dlqPartitions = store.partitionCount(dlq);
  const markedNow = new Set<string>();
  for (const s of sources) {
    for (const p of s.sp.pendingDeadLetters()) {
      if (p.dlqFrom !== null) continue;
      s.sp.markDeadLetterFrom(p.offset, store.logEndOffset(dlq, s.partition % dlqPartitions));
      markedNow.add(`${s.topic}/${s.partition}/${p.offset}`);
    }
  }
  if (markedNow.size > 0) await persist();
  for (const s of sources) {
    // Kafka's rule: the dead-letter partition is the source partition modulo the dead-letter topic's count.
    const dp = s.partition % dlqPartitions;
    for (const p of s.sp.pendingDeadLetters()) {
      const origin = { queue, topic: s.topic, partition: s.partition, offset: p.offset, deliveryCount: p.deliveryCount };
      const written = !markedNow.has(`${s.topic}/${s.partition}/${p.offset}`) && await hasDeadLetter(store, dlq, dp, p.dlqFrom ?? 0, origin);
      if (!written) await store.append(dlq, [deadLetterRecord(queue, s.topic, s.partition, s.cache.get(p.offset)!, p)], { partition: dp });
      s.sp.deadLettered(p.offset);
    }
  }
  await persist();
}
