// What a client really put on the wire, read back from the broker's segment files: the codec of every stored
// batch of a partition, and the producer id, epoch and sequence range each batch carries (-1 for a non-idempotent
// producer), with the offsets it was stored at.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iterateBatches, type Compression } from '@klog/log-core';

export interface StoredBatch {
  compression: Compression;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  baseOffset: number;
  /** Records in the batch (lastOffsetDelta + 1). */
  count: number;
}

export function storedBatches(dataDir: string, topic: string, partition: number): StoredBatch[] {
  const dir = join(dataDir, `${topic}-${partition}`);
  const bytes = Buffer.concat(readdirSync(dir).filter((n) => n.endsWith('.log')).sort().map((n) => readFileSync(join(dir, n))));
  return [...iterateBatches(bytes)].map(({ header }) => ({
    compression: header.compression,
    producerId: BigInt(header.producerId),
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    baseOffset: header.baseOffset,
    count: header.lastOffsetDelta + 1,
  }));
}
