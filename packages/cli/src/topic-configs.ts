import type { TopicMetadata } from '@klog/client';
import { DEFAULT_TOPIC_CONFIG } from '@klog/log-core';

/** One setting of a topic as the broker reports it, under Kafka's name (retention.ms, max.message.bytes, …). */
export type TopicConfigEntry = NonNullable<TopicMetadata['configs']>[number];

/** The settings in a metadata answer; empty when the broker does not report them (an older broker). */
export function topicConfigsOf(t: TopicMetadata): TopicConfigEntry[] {
  return t.configs ?? [];
}

/** The largest record the topic accepts: its max.message.bytes, else the log's default. */
export function maxRecordBytesOf(t: TopicMetadata | undefined): number {
  const entry = t ? topicConfigsOf(t).find((c) => c.name === 'max.message.bytes') : undefined;
  const n = entry ? Number(entry.value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_TOPIC_CONFIG.maxBatchBytes;
}
