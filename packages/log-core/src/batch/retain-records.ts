import type { StoredRecord } from '../types.js';
import { decodeBatch, encodeBatch } from './record-batch.js';

/**
 * The batch with only the records `keep` accepts, as compaction writes it: the same base offset, last offset
 * delta, producer id, epoch and base sequence, codec and leader epoch, and every kept record at its own
 * offset, so that offsets never change and a reader's next offset after the batch is what it was. Returns
 * the batch itself when every record stays, and null when none does. Transactional and control batches are
 * kept whole (klog writes neither; their markers must not lose records).
 */
export function retainRecords(buf: Buffer, keep: (record: StoredRecord) => boolean): Buffer | null {
  const { header, records } = decodeBatch(buf);
  if (header.isTransactional || header.isControl) return buf;
  const kept = records.filter(keep);
  if (kept.length === records.length) return buf;
  if (kept.length === 0) return null;
  return encodeBatch(kept, {
    baseOffset: header.baseOffset,
    compression: header.compression,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
  }, {
    offsetDeltas: kept.map((r) => r.offset - header.baseOffset),
    lastOffsetDelta: header.lastOffsetDelta,
    partitionLeaderEpoch: header.partitionLeaderEpoch,
  });
}
