import { KlogError, type TopicConfig } from '@klog/log-core';

/**
 * A topic's settings under Kafka's names, as both listeners report them (native metadata, Kafka DescribeConfigs)
 * and as Kafka clients set them (CreateTopics, AlterConfigs, IncrementalAlterConfigs).
 */
const KAFKA_TOPIC_CONFIG_NAMES: readonly (readonly [keyof TopicConfig, string])[] = [
  ['retentionMs', 'retention.ms'], ['retentionBytes', 'retention.bytes'], ['segmentBytes', 'segment.bytes'],
  ['segmentMs', 'segment.ms'], ['maxBatchBytes', 'max.message.bytes'],
];

const CLEANUP_POLICY = 'cleanup.policy';

/** The compaction settings, by key, Kafka name and whether the value is an integer. */
const COMPACTION_SETTINGS: readonly (readonly [keyof TopicConfig, string, boolean])[] = [
  ['minCompactionLagMs', 'min.compaction.lag.ms', true],
  ['deleteRetentionMs', 'delete.retention.ms', true],
  ['minCleanableDirtyRatio', 'min.cleanable.dirty.ratio', false],
];

/** Every numeric setting this store has, by key, Kafka name and whether it must be an integer. */
function numericSettings(): (readonly [keyof TopicConfig, string, boolean])[] {
  return [
    ...KAFKA_TOPIC_CONFIG_NAMES.map(([key, name]) => [key, name, true] as const),
    ...COMPACTION_SETTINGS,
  ];
}

export interface KafkaTopicConfigEntry {
  name: string;
  value: string;
  /** The value the topic would have without a setting of its own (the broker's default). */
  isDefault: boolean;
}

function cleanupPolicyOf(config: TopicConfig): string {
  return config.cleanupPolicy;
}

/** A topic's settings, each marked as the default or the topic's own (it differs from the default). */
export function kafkaTopicConfigs(config: TopicConfig, defaults: TopicConfig): KafkaTopicConfigEntry[] {
  return [
    ...numericSettings().map(([key, name]) => ({ name, value: String(config[key]), isDefault: config[key] === defaults[key] })),
    { name: CLEANUP_POLICY, value: cleanupPolicyOf(config), isDefault: cleanupPolicyOf(config) === cleanupPolicyOf(defaults) },
  ];
}

/** The names a Kafka client may set, for error messages. */
export function settableKafkaTopicConfigs(): string[] {
  return [...numericSettings().map(([, name]) => name), CLEANUP_POLICY];
}

/**
 * One Kafka setting as a change to TopicConfig. A value that is not an integer (or not a known policy) and a
 * name klog has no equivalent for are INVALID_CONFIG, as Kafka answers them.
 */
export function topicConfigChange(name: string, value: string | null): Partial<TopicConfig> {
  if (name === CLEANUP_POLICY) {
    // The store checks the value as it checks every setting (delete, compact or compact,delete).
    return { cleanupPolicy: value as TopicConfig['cleanupPolicy'] };
  }
  const setting = numericSettings().find(([, n]) => n === name);
  if (setting === undefined) {
    throw new KlogError('INVALID_CONFIG', `topic config ${name} is not supported (supported: ${settableKafkaTopicConfigs().join(', ')})`);
  }
  const [key, , integer] = setting;
  const n = value === null || value.trim() === '' ? NaN : Number(value);
  if (integer ? !Number.isSafeInteger(n) : !Number.isFinite(n)) {
    throw new KlogError('INVALID_CONFIG', `topic config ${name} must be ${integer ? 'an integer' : 'a number'}, got ${String(value)}`);
  }
  return { [key]: n } as Partial<TopicConfig>;
}

/** A Kafka setting back at its default (IncrementalAlterConfigs DELETE, or AlterConfigs leaving it out). */
export function topicConfigReset(name: string, defaults: TopicConfig): Partial<TopicConfig> {
  if (name === CLEANUP_POLICY) return topicConfigChange(name, cleanupPolicyOf(defaults));
  const key = numericSettings().find(([, n]) => n === name)?.[0];
  if (key === undefined) return topicConfigChange(name, null); // throws: not a setting klog has
  return { [key]: defaults[key] } as Partial<TopicConfig>;
}
