import { KlogError } from '@klog/log-core';

/** Exponential backoff for releases that name no delay (a failed handler): base × 2^(deliveryCount-1), capped. */
export interface BackoffConfig {
  /** 0 turns backoff off: a plain release makes the record available at once, as in Kafka. */
  baseMs: number;
  maxMs: number;
}

/** What a caller gives to QueueManager.queue(). Unset fields take the defaults below. */
export interface QueueOptions {
  name: string;
  topics: string[];
  /** Drain these topics in this order: a topic is served only while every topic before it has nothing ready. */
  priority?: string[];
  lockMs?: number;
  maxDeliveries?: number;
  maxRecordLocks?: number;
  /** How far past the start offset records are read into the window (delayed records live there). */
  maxWindowRecords?: number;
  deadLetterTopic?: string | null;
  backoff?: Partial<BackoffConfig>;
  /** Where a new queue starts in each partition; only read when the queue is created. */
  start?: 'earliest' | 'latest';
}

/** A queue's settings, defaults filled in: what the state topic stores. */
export interface QueueConfig {
  name: string;
  /** In priority order when `priority` is true. */
  topics: string[];
  priority: boolean;
  lockMs: number;
  maxDeliveries: number;
  maxRecordLocks: number;
  maxWindowRecords: number;
  deadLetterTopic: string | null;
  backoff: BackoffConfig;
  start: 'earliest' | 'latest';
}

/** Defaults, with the Kafka (or klog) setting each one stands for; see docs/queue-mode.md. */
export const QUEUE_DEFAULTS = {
  lockMs: 30_000, // share.record.lock.duration.ms
  maxDeliveries: 5, // share.delivery.count.limit
  maxRecordLocks: 2_000, // share.partition.max.record.locks
  maxWindowRecords: 20_000, // klog.share.max.window.records
  backoff: { baseMs: 0, maxMs: 60_000 }, // klog.share.release.backoff.ms, klog.share.release.backoff.max.ms
  start: 'latest', // share.auto.offset.reset
} as const;

const NAME = /^[a-zA-Z0-9._-]{1,249}$/;

function invalid(message: string): KlogError {
  return new KlogError('INVALID_CONFIG', message);
}

function intIn(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < min || v > max) throw invalid(`${name} must be an integer from ${min} to ${max}, got ${v}`);
  return v;
}

export function validateQueueName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw invalid(`queue name must be 1-249 characters from [a-zA-Z0-9._-], got ${JSON.stringify(name)}`);
  }
  return name;
}

export function resolveQueueConfig(opts: QueueOptions): QueueConfig {
  const name = validateQueueName(opts.name);
  if (!Array.isArray(opts.topics) || opts.topics.length === 0) throw invalid(`queue ${name} needs at least one topic`);
  const topics = [...new Set(opts.topics)];
  let priority = false;
  if (opts.priority !== undefined) {
    const order = [...new Set(opts.priority)];
    if (order.length !== topics.length || order.some((t) => !topics.includes(t))) {
      throw invalid(`priority must list each of the queue's topics once: ${topics.join(', ')}`);
    }
    topics.splice(0, topics.length, ...order);
    priority = true;
  }
  const baseMs = intIn('backoff.baseMs', opts.backoff?.baseMs, QUEUE_DEFAULTS.backoff.baseMs, 0, 86_400_000);
  const maxMs = intIn('backoff.maxMs', opts.backoff?.maxMs, Math.max(baseMs, QUEUE_DEFAULTS.backoff.maxMs), baseMs, 86_400_000);
  const start = opts.start ?? QUEUE_DEFAULTS.start;
  if (start !== 'earliest' && start !== 'latest') throw invalid(`start must be 'earliest' or 'latest', got ${JSON.stringify(start)}`);
  const maxRecordLocks = intIn('maxRecordLocks', opts.maxRecordLocks, QUEUE_DEFAULTS.maxRecordLocks, 1, 100_000);
  const deadLetterTopic = opts.deadLetterTopic ?? null;
  if (deadLetterTopic !== null && (typeof deadLetterTopic !== 'string' || topics.includes(deadLetterTopic))) {
    throw invalid(`deadLetterTopic must be a topic name other than the queue's own topics`);
  }
  return {
    name,
    topics,
    priority,
    lockMs: intIn('lockMs', opts.lockMs, QUEUE_DEFAULTS.lockMs, 1, 3_600_000),
    maxDeliveries: intIn('maxDeliveries', opts.maxDeliveries, QUEUE_DEFAULTS.maxDeliveries, 1, 1_000),
    maxRecordLocks,
    maxWindowRecords: intIn('maxWindowRecords', opts.maxWindowRecords, Math.max(QUEUE_DEFAULTS.maxWindowRecords, maxRecordLocks), maxRecordLocks, 1_000_000),
    deadLetterTopic,
    backoff: { baseMs, maxMs },
    start,
  };
}

/** The automatic delay of a plain release: none when backoff is off. */
export function backoffDelay(backoff: BackoffConfig, deliveryCount: number): number {
  if (backoff.baseMs === 0) return 0;
  const exp = Math.min(Math.max(deliveryCount - 1, 0), 40);
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** exp);
}
