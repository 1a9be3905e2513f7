import type { BatchHeader } from './batch/record-batch.js';
import { KlogError } from './errors.js';

/** How many recent batches per producer are remembered for duplicate detection (Kafka: 5 in flight). */
const REMEMBERED_BATCHES = 5;
const INT32_MAX = 0x7fffffff;

interface RememberedBatch {
  firstSeq: number;
  lastSeq: number;
  result: Promise<{ baseOffset: number; lastOffset: number }>;
}

interface ProducerEntry {
  epoch: number;
  lastSeq: number;
  /** The largest timestamp of the producer's last batch (Kafka's DescribeProducers last_timestamp). */
  lastTimestamp: number;
  batches: RememberedBatch[];
}

/** What the partition knows of one idempotent producer (Kafka's DescribeProducers answers it). */
export interface ActiveProducer {
  producerId: number;
  epoch: number;
  lastSequence: number;
  lastTimestamp: number;
}

export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; result: Promise<{ baseOffset: number; lastOffset: number }> };

function lastSequence(h: BatchHeader): number {
  // Sequences wrap at int32 max, as in Kafka.
  return (h.baseSequence + h.lastOffsetDelta) % (INT32_MAX + 1);
}

/**
 * Idempotent-producer bookkeeping for one partition: the last sequence numbers of each producer id, so that a
 * batch re-sent after a lost acknowledgement is answered with its original offsets instead of being appended
 * twice. Rebuilt from batch headers when a partition is opened (see PartitionLog), so it survives restarts.
 */
export class ProducerState {
  private readonly producers = new Map<number, ProducerEntry>();

  static isIdempotent(h: BatchHeader): boolean {
    return h.producerId >= 0 && h.baseSequence >= 0;
  }

  check(h: BatchHeader): SequenceCheck {
    const entry = this.producers.get(h.producerId);
    if (!entry) return { kind: 'append' }; // unknown producer (new, or its state aged out): accept
    if (h.producerEpoch < entry.epoch) {
      throw new KlogError('INVALID_PRODUCER_EPOCH',
        `producer ${h.producerId} epoch ${h.producerEpoch} is older than the current epoch ${entry.epoch}: a newer instance of this producer has taken over`);
    }
    if (h.producerEpoch > entry.epoch) {
      if (h.baseSequence !== 0) {
        throw new KlogError('OUT_OF_ORDER_SEQUENCE',
          `producer ${h.producerId} started epoch ${h.producerEpoch} at sequence ${h.baseSequence}; a new epoch starts at 0`);
      }
      return { kind: 'append' };
    }
    const last = lastSequence(h);
    const dup = entry.batches.find((b) => b.firstSeq === h.baseSequence && b.lastSeq === last);
    if (dup) return { kind: 'duplicate', result: dup.result };
    const expected = (entry.lastSeq + 1) % (INT32_MAX + 1);
    if (h.baseSequence !== expected) {
      throw new KlogError('OUT_OF_ORDER_SEQUENCE',
        `producer ${h.producerId} sent sequence ${h.baseSequence} but the next expected is ${expected}`);
    }
    return { kind: 'append' };
  }

  record(h: BatchHeader, result: Promise<{ baseOffset: number; lastOffset: number }>): void {
    let entry = this.producers.get(h.producerId);
    if (!entry || h.producerEpoch !== entry.epoch) {
      entry = { epoch: h.producerEpoch, lastSeq: -1, lastTimestamp: -1, batches: [] };
      this.producers.set(h.producerId, entry);
    }
    const last = lastSequence(h);
    entry.lastSeq = last;
    entry.lastTimestamp = h.maxTimestamp;
    entry.batches.push({ firstSeq: h.baseSequence, lastSeq: last, result });
    if (entry.batches.length > REMEMBERED_BATCHES) entry.batches.shift();
  }

  /** The producers this partition holds state for, by producer id. */
  active(): ActiveProducer[] {
    return [...this.producers].sort(([a], [b]) => a - b)
      .map(([producerId, e]) => ({ producerId, epoch: e.epoch, lastSequence: e.lastSeq, lastTimestamp: e.lastTimestamp }));
  }

  /** Forgets appends that failed, so the producer's retry is judged against what is really in the log. */
  forget(producerId: number, result: Promise<unknown>): void {
    const entry = this.producers.get(producerId);
    if (!entry) return;
    const i = entry.batches.findIndex((b) => b.result === result);
    if (i < 0) return;
    entry.batches.splice(i);
    entry.lastSeq = entry.batches.length > 0 ? entry.batches[entry.batches.length - 1].lastSeq : -1;
    if (entry.batches.length === 0) this.producers.delete(producerId);
  }
}
