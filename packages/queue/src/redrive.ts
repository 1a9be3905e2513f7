import { deadLetterOrigin, redrivenRecord } from './dead-letters.js';
import type { QueueStore } from './store-port.js';

const READ_BYTES = 1024 * 1024;

/**
 * Produces the dead letters of `queue` (those whose group header names it) back to their source topic and
 * partition, oldest first, up to `max`; dead letters of other queues sharing the topic are passed over.
 *
 * A log cannot delete one record, so `positions` (dead-letter partition → next offset to look at) is what
 * "removed from the dead letters" means. It moves past a record only after the record was produced, and
 * `progressed(true)` makes the new position durable before the next one: a crash in between re-drives that
 * one record twice rather than losing it. Returns how many were moved.
 */
export async function redriveDeadLetters(
  store: QueueStore,
  queue: string,
  dlq: string,
  positions: Record<string, number>,
  max: number,
  progressed: (persistNow: boolean) => Promise<void>,
): Promise<number> {
  let moved = 0;
  for (let dp = 0; dp < store.partitionCount(dlq) && moved < max; dp++) {
    let pos = Math.max(positions[dp] ?? 0, store.logStartOffset(dlq, dp));
    while (moved < max && pos < store.logEndOffset(dlq, dp)) {
      const { records, nextOffset } = await store.read(dlq, dp, { offset: pos, maxBytes: READ_BYTES });
      if (records.length === 0) {
        if (nextOffset <= pos) break;
        pos = nextOffset;
        continue;
      }
      for (const r of records) {
        if (r.offset < pos || moved >= max) continue;
        const origin = deadLetterOrigin(r.headers);
        const mine = origin !== undefined && origin.queue === queue && store.hasTopic(origin.topic);
        if (mine) {
          const partition = origin.partition < store.partitionCount(origin.topic) ? origin.partition : undefined;
          await store.append(origin.topic, [redrivenRecord(r)], { partition });
          moved++;
        }
        pos = r.offset + 1;
        positions[dp] = pos;
        await progressed(mine);
      }
    }
  }
  return moved;
}
