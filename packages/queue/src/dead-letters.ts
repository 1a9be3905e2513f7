import type { Header, RecordInput, StoredRecord } from '@klog/log-core';
import type { PendingDeadLetter } from './share-partition.js';
import type { QueueStore } from './store-port.js';

/** KIP-1191's dead-letter headers, plus `reason`: the last error a consumer gave. */
export const DEAD_LETTER_HEADERS = {
  topic: '__dlq.errors.topic',
  partition: '__dlq.errors.partition',
  offset: '__dlq.errors.offset',
  group: '__dlq.errors.group',
  deliveryCount: '__dlq.errors.delivery.count',
  message: '__dlq.errors.message',
  reason: '__dlq.errors.reason',
} as const;

const PREFIX = '__dlq.errors.';
const MESSAGES = { rejected: 'Offset rejected by client.', limit: 'Offset delivery count exceeded the threshold.' } as const;
const SCAN_BYTES = 1024 * 1024;

/** Where a dead letter came from, read back from its headers. */
export interface DeadLetterOrigin {
  queue: string;
  topic: string;
  partition: number;
  offset: number;
  deliveryCount: number;
}

/** The dead letter of `rec`: its key, value and headers, with the dead-letter headers added. */
export function deadLetterRecord(queue: string, topic: string, partition: number, rec: StoredRecord, p: PendingDeadLetter): RecordInput {
  const h = (key: string, value: string): Header => ({ key, value: Buffer.from(value) });
  const headers = [
    ...rec.headers.filter((x) => !x.key.startsWith(PREFIX)),
    h(DEAD_LETTER_HEADERS.topic, topic),
    h(DEAD_LETTER_HEADERS.partition, String(partition)),
    h(DEAD_LETTER_HEADERS.offset, String(rec.offset)),
    h(DEAD_LETTER_HEADERS.group, queue),
    h(DEAD_LETTER_HEADERS.deliveryCount, String(p.deliveryCount)),
    h(DEAD_LETTER_HEADERS.message, MESSAGES[p.cause]),
  ];
  if (p.reason !== null) headers.push(h(DEAD_LETTER_HEADERS.reason, p.reason));
  return { key: rec.key, value: rec.value, headers };
}

export function deadLetterOrigin(headers: readonly Header[]): DeadLetterOrigin | undefined {
  const get = (key: string) => headers.find((x) => x.key === key)?.value?.toString('utf8');
  const queue = get(DEAD_LETTER_HEADERS.group);
  const topic = get(DEAD_LETTER_HEADERS.topic);
  const partition = Number(get(DEAD_LETTER_HEADERS.partition));
  const offset = Number(get(DEAD_LETTER_HEADERS.offset));
  const deliveryCount = Number(get(DEAD_LETTER_HEADERS.deliveryCount));
  if (queue === undefined || topic === undefined || !Number.isInteger(partition) || !Number.isInteger(offset)) return undefined;
  return { queue, topic, partition, offset, deliveryCount };
}

/** A dead letter going back to its source: as it was, without the dead-letter headers. */
export function redrivenRecord(rec: StoredRecord): RecordInput {
  return { key: rec.key, value: rec.value, headers: rec.headers.filter((x) => !x.key.startsWith(PREFIX)) };
}

/**
 * Whether the dead letter of (queue, topic, partition, offset, deliveryCount) is already in the dead-letter
 * partition at or after `from`: the check that makes the dead-letter append happen once across a crash.
 */
export async function hasDeadLetter(store: QueueStore, dlqTopic: string, dlqPartition: number, from: number, want: DeadLetterOrigin): Promise<boolean> {
  let offset = Math.max(from, store.logStartOffset(dlqTopic, dlqPartition));
  const end = store.logEndOffset(dlqTopic, dlqPartition);
  while (offset < end) {
    const { records, nextOffset } = await store.read(dlqTopic, dlqPartition, { offset, maxBytes: SCAN_BYTES });
    for (const r of records) {
      const o = deadLetterOrigin(r.headers);
      if (o && o.queue === want.queue && o.topic === want.topic && o.partition === want.partition && o.offset === want.offset
        && o.deliveryCount === want.deliveryCount) return true;
    }
    if (nextOffset <= offset) break;
    offset = nextOffset;
  }
  return false;
}
