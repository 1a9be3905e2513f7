import type { RecordInput, StoredRecord } from '@klog/log-core';

/**
 * The part of @klog/log-core's LogStore that queue mode uses (LogStore satisfies it structurally): a narrow port,
 * so that a broker can host queues over its store and tests can see what queue mode touches.
 */
export interface QueueStore {
  hasTopic(name: string): boolean;
  createTopic(
    name: string,
    config?: { partitions?: number; retentionMs?: number; retentionBytes?: number; segmentBytes?: number; maxBatchBytes?: number },
  ): Promise<unknown>;
  partitionCount(topic: string): number;
  append(topic: string, records: RecordInput[], opts?: { partition?: number }): Promise<{ partition: number; offset: number }[]>;
  read(topic: string, partition: number, opts: { offset: number; maxBytes?: number }): Promise<{ records: StoredRecord[]; nextOffset: number }>;
  /** LogStore.onAppend: `wake` once the partition's end passes `afterOffset`, unless cancelled; null if it has. */
  onAppend(topic: string, partition: number, afterOffset: number, wake: () => void): (() => void) | null;
  logStartOffset(topic: string, partition: number): number;
  logEndOffset(topic: string, partition: number): number;
  offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<number | null>;
  deleteRecordsBefore(topic: string, partition: number, offset: number): Promise<void>;
}
