import { batchSizeAt, readBatchHeader } from '@klog/log-core';

/**
 * Records and bytes in stored batches laid back to back (a fetch's data), read from the batch headers only:
 * nothing is decoded or decompressed. A trailing partial batch is not counted.
 */
export function tallyBatches(data: Buffer): { records: number; bytes: number } {
  let records = 0;
  let pos = 0;
  for (;;) {
    const size = batchSizeAt(data, pos);
    if (size < 0 || pos + size > data.length) break;
    records += readBatchHeader(data, pos).recordCount;
    pos += size;
  }
  return { records, bytes: data.length };
}
