// What the corruption tests need to know about a partition directory: its segment files and, per segment, where
// each batch lies — so damage can be aimed at "the last batch" or "a batch in the middle of an older segment".
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iterateBatches } from '@klog/log-core';

export interface BatchSpan {
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
}

export interface SegmentFiles {
  base: number;
  log: string;
  index: string;
  timeIndex: string;
  batches: BatchSpan[];
}

export function segmentsOf(partitionDir: string): SegmentFiles[] {
  return readdirSync(partitionDir)
    .filter((n) => /^\d{20}\.log$/.test(n))
    .sort()
    .map((n) => {
      const stem = join(partitionDir, n.slice(0, 20));
      const buf = readFileSync(`${stem}.log`);
      const batches = [...iterateBatches(buf)].map(({ pos, header }) => ({
        position: pos, size: header.sizeInBytes, baseOffset: header.baseOffset, lastOffset: header.baseOffset + header.lastOffsetDelta,
      }));
      return { base: Number(n.slice(0, 20)), log: `${stem}.log`, index: `${stem}.index`, timeIndex: `${stem}.timeindex`, batches };
    });
}
