/**
 * Choosing a partition for a record, as Kafka's default partitioner does: a keyed record goes where its
 * key's murmur2 hash says (the same partition as with a Kafka client); records without a key are "sticky" —
 * they all go to one partition until the producer closes the batch (nextBatch), then to the next one round
 * robin. Sticking fills whole batches instead of spreading single records thinly over every partition.
 */
import { KlogError } from './errors.js';
import { murmur2, toPositive } from './murmur2.js';

function checkPartitionCount(numPartitions: number): void {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new KlogError('INVALID_CONFIG', `numPartitions must be a positive integer, got ${numPartitions}`);
  }
}

/** The partition of a keyed record: toPositive(murmur2(key)) % numPartitions. */
export function partitionForKey(key: Buffer, numPartitions: number): number {
  checkPartitionCount(numPartitions);
  return toPositive(murmur2(key)) % numPartitions;
}

export class Partitioner {
  /** Counts batches; the sticky partition for keyless records is this modulo the partition count. */
  private batch: number;

  /**
   * @param firstBatch where keyless records start; random by default so that many producers do not all
   *   begin on partition 0. Tests pass a fixed value.
   */
  constructor(firstBatch: number = Math.floor(Math.random() * 0x7fffffff)) {
    this.batch = firstBatch;
  }

  partition(key: Buffer | null | undefined, numPartitions: number): number {
    if (key != null) return partitionForKey(key, numPartitions);
    checkPartitionCount(numPartitions);
    return this.batch % numPartitions;
  }

  /** The current batch is closed: keyless records move on to the next partition. */
  nextBatch(): void {
    this.batch = (this.batch + 1) % 0x7fffffff;
  }
}
