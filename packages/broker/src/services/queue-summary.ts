import { isKlogError } from '@klog/log-core';
import type { PartitionStats, QueueConfig } from '@klog/queue';
import type { QueueHost } from './queue-host.js';

/** One queue as the operations surface shows it: its settings, its partitions' counts, and their sums. */
export interface QueueSummary {
  name: string;
  config: QueueConfig;
  members: number;
  partitions: PartitionStats[];
  ready: number;
  delayed: number;
  inFlight: number;
  /** Archived records (rejected, or out of deliveries): the queue's dead. */
  dead: number;
  /** The oldest ready record's age over all partitions; 0 when nothing is ready. */
  oldestReadyAgeMs: number;
  redelivered: number;
  deadLettered: number;
}

export async function summarizeQueue(queues: QueueHost, name: string): Promise<QueueSummary> {
  const config = queues.manager.config(name); // UNKNOWN_QUEUE: 404
  const partitions = await queues.manager.stats(name);
  const sum = (f: (p: PartitionStats) => number): number => partitions.reduce((s, p) => s + f(p), 0);
  return {
    name,
    config,
    members: queues.memberCount(name),
    partitions,
    ready: sum((p) => p.ready),
    delayed: sum((p) => p.delayed),
    inFlight: sum((p) => p.inFlight),
    dead: sum((p) => p.archived),
    oldestReadyAgeMs: partitions.reduce((m, p) => Math.max(m, p.oldestReadyAgeMs), 0),
    redelivered: sum((p) => p.redelivered),
    deadLettered: sum((p) => p.deadLettered),
  };
}

/** Every queue; one deleted between the listing and its summary is left out. */
export async function summarizeQueues(queues: QueueHost): Promise<QueueSummary[]> {
  const out: QueueSummary[] = [];
  for (const name of queues.manager.list()) {
    try {
      out.push(await summarizeQueue(queues, name));
    } catch (err) {
      if (!isKlogError(err, 'UNKNOWN_QUEUE')) throw err;
    }
  }
  return out;
}
