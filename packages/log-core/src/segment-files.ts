import { join } from 'node:path';

/** Segment files are named by their base offset, zero padded to 20 digits as Kafka does, so they sort by name. */
export function segmentBaseName(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0');
}

export function segmentPaths(dir: string, baseOffset: number): { log: string; index: string; timeIndex: string } {
  const base = join(dir, segmentBaseName(baseOffset));
  return { log: `${base}.log`, index: `${base}.index`, timeIndex: `${base}.timeindex` };
}

/** Base offsets of the segments in a partition directory listing, ascending. */
export function segmentBaseOffsets(fileNames: string[]): number[] {
  return fileNames
    .filter((n) => /^\d{20}\.log$/.test(n))
    .map((n) => Number(n.slice(0, 20)))
    .sort((a, b) => a - b);
}
