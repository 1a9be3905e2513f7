import type { Clock } from '@klog/queue';
import { encodeRecord, type TaskStatusRecord } from './records.js';
import type { AppendBatcher } from './append-batcher.js';

/**
 * Writes task states to the results topic (key = task id), stamping each with the time. Writes go through one
 * AppendBatcher: many tasks' states travel in one append, and each task's states land in the order written.
 */
export class StatusWriter {
  constructor(private readonly appends: AppendBatcher, private readonly topic: string, private readonly clock: Clock) {}

  /** Resolves with the record's offset once it is written. */
  async write(status: Omit<TaskStatusRecord, 'updatedAt'>): Promise<number> {
    const rec: TaskStatusRecord = { ...status, updatedAt: this.clock.now() };
    const at = await this.appends.append(this.topic, { key: rec.id, value: encodeRecord(rec) });
    return at.offset;
  }
}
