import type { Client } from '@klog/client';
import { KlogError } from '@klog/log-core';

/** A queue's settings as the broker uses them (defaults filled in). */
export interface QueueSettings {
  name: string;
  topics: string[];
  priority: boolean;
  lockMs: number;
  maxDeliveries: number;
  maxRecordLocks: number;
  maxWindowRecords: number;
  deadLetterTopic: string | null;
  backoff: { baseMs: number; maxMs: number };
  start: 'earliest' | 'latest';
}

/** What `klog queue create` asks for; what is left out takes the broker's default. */
export interface QueueCreateRequest {
  name: string;
  topics: string[];
  lockMs?: number;
  maxDeliveries?: number;
  deadLetterTopic?: string;
  backoff?: { baseMs?: number; maxMs?: number };
  start?: 'earliest' | 'latest';
}

export interface QueueSummary {
  name: string;
  topics: string[];
  members: number;
}

export interface QueueDescription {
  config: QueueSettings;
  members: { memberId: string; clientHost: string; idleMs: number }[];
  partitions: {
    topic: string;
    partition: number;
    startOffset: number;
    ready: number;
    delayed: number;
    inFlight: number;
    archived: number;
    lag: number;
    oldestReadyAgeMs: number;
  }[];
}

export type QueueResetTarget = 'earliest' | 'latest' | { timestamp: number };

/** The queue administration the commands use, as the client's admin offers it. */
export interface QueueAdmin {
  createQueue(request: QueueCreateRequest): Promise<QueueSettings>;
  listQueues(): Promise<QueueSummary[]>;
  describeQueue(name: string): Promise<QueueDescription>;
  redriveQueue(name: string, opts?: { max?: number }): Promise<number>;
  resetQueue(name: string, to: QueueResetTarget): Promise<void>;
  deleteQueue(name: string): Promise<void>;
}

/** The client's queue administration; a client without it (one older than the broker's queues) says so plainly. */
export function queueAdminOf(client: Client): QueueAdmin {
  const admin = client.admin() as unknown as Partial<QueueAdmin>;
  if (typeof admin.createQueue !== 'function') {
    throw new KlogError('INVALID_CONFIG', 'this klog was built without queue support in @klog/client: rebuild with: sh scripts/pnpm -r build');
  }
  return admin as QueueAdmin;
}
