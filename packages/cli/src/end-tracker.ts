/** A partition, as a string key for maps. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/**
 * Knows when `--exit-at-end` is reached: every assigned partition has had all records up to the end offset it had
 * when the command started printed. Progress counts only printed records (plus where each partition started), not
 * fetched ones, so a batch half written is never mistaken for the end.
 */
export class EndTracker {
  private readonly printedUpTo = new Map<string, number>();
  private readonly starts = new Map<string, number>();

  /** `ends`: end offsets at start; a partition not listed (e.g. a topic created later) ends at 0. */
  constructor(private readonly ends: ReadonlyMap<string, number>) {}

  setStart(topic: string, partition: number, offset: number): void {
    this.starts.set(partitionKey(topic, partition), offset);
  }

  hasStart(topic: string, partition: number): boolean {
    return this.starts.has(partitionKey(topic, partition));
  }

  printed(topic: string, partition: number, offset: number): void {
    this.printedUpTo.set(partitionKey(topic, partition), offset + 1);
  }

  /** True when every partition in `assigned` is at or past its end; false while any start is still unknown. */
  reached(assigned: { topic: string; partition: number }[]): boolean {
    return assigned.every(({ topic, partition }) => {
      const key = partitionKey(topic, partition);
      const at = this.printedUpTo.get(key) ?? this.starts.get(key);
      return at !== undefined && at >= (this.ends.get(key) ?? 0);
    });
  }
}
