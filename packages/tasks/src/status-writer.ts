import type { Clock } from '@klog/queue';
import { encodeRecord, type TaskStatusRecord } from './records.js';
import type { TaskTransport } from './transport.js';

/** Writes task states to the results topic (key = task id), stamping each with the time. */
export class StatusWriter {
  constructor(private readonly transport: TaskTransport, private readonly topic: string, private readonly clock: Clock) {}

  /** Resolves with the record's offset once it is written. */
  async write(status: Omit<TaskStatusRecord, 'updatedAt'>): Promise<number> {
    const rec: TaskStatusRecord = { ...status, updatedAt: this.clock.now() };
    const [at] = await this.transport.append(this.topic, [{ key: rec.id, value: encodeRecord(rec) }]);
    return at!.offset;
  }
}
