import { encodeBatch, type EncodeOptions } from './batch/record-batch.js';
import { KlogError } from './errors.js';
import type { Partitioner } from './partitioner.js';
import type { RecordInput } from './types.js';

/**
 * The indexes of `records` grouped by partition: `partition` if given, else keyed records by murmur2(key) mod
 * partitions (as Kafka's client does) and keyless ones to one partition per call.
 */
export function routeRecords(records: RecordInput[], partitions: number, partitioner: Partitioner, partition?: number): Map<number, number[]> {
  // Every record to one partition (named, or the only one): no key to hash.
  const only = partition ?? (partitions === 1 ? 0 : undefined);
  if (only !== undefined) {
    partitioner.nextBatch();
    return new Map([[only, Array.from({ length: records.length }, (_, i) => i)]]);
  }
  const byPartition = new Map<number, number[]>();
  for (let i = 0; i < records.length; i++) {
    const p = partitioner.partition(records[i].key, partitions);
    let list = byPartition.get(p);
    if (!list) byPartition.set(p, (list = []));
    list.push(i);
  }
  partitioner.nextBatch();
  return byPartition;
}

/** Encodes records into batches no larger than the topic's limit (one record over it is an error). */
export function* chunksUnderLimit(records: RecordInput[], max: number, now: number, compression: EncodeOptions['compression']): Generator<{ batch: Buffer; first: number; count: number }> {
  const pending: [number, number][] = [[0, records.length]];
  while (pending.length > 0) {
    const [first, count] = pending.shift()!;
    const batch = encodeBatch(records.slice(first, first + count), { now, compression });
    if (batch.length <= max) {
      yield { batch, first, count };
    } else if (count === 1) {
      throw new KlogError('RECORD_TOO_LARGE', `a record of ${batch.length} bytes (encoded) exceeds maxBatchBytes ${max}`);
    } else {
      const half = Math.ceil(count / 2);
      pending.unshift([first, half], [first + half, count - half]);
    }
  }
}
