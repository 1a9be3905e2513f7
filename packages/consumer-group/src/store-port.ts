/**
 * The part of @klog/log-core's LogStore the coordinator uses (LogStore satisfies it structurally). Typed as a
 * narrow port so the coordinator depends on what it calls and nothing more.
 */
export interface GroupStore {
  hasTopic(name: string): boolean;
  createTopic(
    name: string,
    config?: { partitions?: number; retentionMs?: number; retentionBytes?: number; segmentBytes?: number; maxBatchBytes?: number },
  ): Promise<unknown>;
  listTopics(): string[];
  partitionCount(topic: string): number;
  describeTopic(name: string): { partitions: { partition: number; sizeBytes: number }[] };
  append(
    topic: string,
    records: { key?: Buffer | null; value: Buffer | null }[],
    opts?: { partition?: number },
  ): Promise<{ partition: number; offset: number }[]>;
  read(
    topic: string,
    partition: number,
    opts: { offset: number; maxBytes?: number },
  ): Promise<{ records: { offset: number; key: Buffer | null; value: Buffer | null }[]; nextOffset: number }>;
  logStartOffset(topic: string, partition: number): number;
  logEndOffset(topic: string, partition: number): number;
  offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<number | null>;
  deleteRecordsBefore(topic: string, partition: number, offset: number): Promise<void>;
}
