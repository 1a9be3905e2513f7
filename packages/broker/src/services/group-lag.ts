import type { GroupDescription } from '@klog/consumer-group';

/** A group's lag summed over its partitions, and its largest; partitions of deleted topics (lag null) count for nothing. */
export function groupLag(d: GroupDescription): { sum: number; max: number } {
  let sum = 0;
  let max = 0;
  for (const p of d.partitions) {
    if (p.lag === null) continue;
    sum += p.lag;
    max = Math.max(max, p.lag);
  }
  return { sum, max };
}
