import { validateQueueName } from '@klog/queue';
import { KlogError } from '@klog/log-core';
import { parseDuration } from './duration.js';
import type { QueueSettings } from '@klog/client';

/** The flags of `klog queue create`. */
export interface QueueSettingArgs {
  queue: string;
  topic?: string[];
  lock?: string;
  'max-deliveries'?: number;
  dlq?: boolean;
  'dead-letter-topic'?: string;
  backoff?: string;
  start?: 'earliest' | 'latest';
}

/** The dead-letter topic `--dlq` names: beside the queue, so `klog topic list` shows which queue it belongs to. */
export function dlqTopicOf(queue: string): string {
  return `${queue}.dlq`;
}

/**
 * `--backoff BASE..MAX` (1s..60s): the delay of a failed delivery doubles from BASE up to MAX. A single duration
 * is the base, with the broker's cap.
 */
export function parseBackoff(text: string): { baseMs: number; maxMs?: number } {
  const [base, max, extra] = text.split('..');
  if (extra !== undefined || base === '' || max === '') {
    throw new KlogError('INVALID_CONFIG', `--backoff must be BASE..MAX like 1s..60s (or one duration, the base), got ${JSON.stringify(text)}`);
  }
  const baseMs = parseDuration(base, '--backoff');
  if (max === undefined) return { baseMs };
  const maxMs = parseDuration(max, '--backoff');
  if (maxMs < baseMs) throw new KlogError('INVALID_CONFIG', `--backoff ${text}: the cap ${max} is below the base ${base}; say ${base}..${base} or more`);
  return { baseMs, maxMs };
}

/** The create request the flags say; flags left out are left out, so that the broker's defaults apply. */
export function queueRequestOf(args: QueueSettingArgs): QueueSettings {
  const name = validateQueueName(args.queue);
  const topics = args.topic ?? [];
  if (topics.length === 0) throw new KlogError('INVALID_CONFIG', `say which topic(s) queue ${name} reads: --topic TOPIC (repeat it for more)`);
  const deadLetterTopic = args.dlq ? dlqTopicOf(name) : args['dead-letter-topic'];
  if (deadLetterTopic !== undefined && topics.includes(deadLetterTopic)) {
    throw new KlogError('INVALID_CONFIG', `the dead-letter topic ${deadLetterTopic} cannot be one the queue reads: it would deliver its own dead letters`);
  }
  const request: QueueSettings = {
    name,
    topics,
    lockMs: args.lock === undefined ? undefined : parseDuration(args.lock, '--lock'),
    maxDeliveries: args['max-deliveries'],
    deadLetterTopic,
    backoff: args.backoff === undefined ? undefined : parseBackoff(args.backoff),
    start: args.start,
  };
  return Object.fromEntries(Object.entries(request).filter(([, v]) => v !== undefined)) as QueueSettings;
}
