import { KlogError } from './errors.js';

/** Per-topic settings. Sizes are bytes, times are milliseconds; -1 means "no limit" for retention. */
export interface TopicConfig {
  partitions: number;
  retentionMs: number;
  retentionBytes: number;
  segmentBytes: number;
  segmentMs: number;
  /** Largest batch (and so largest record) a partition accepts; Kafka's max.message.bytes. */
  maxBatchBytes: number;
  /**
   * What happens to old records (Kafka's cleanup.policy): 'delete' drops old segments by time and size,
   * 'compact' keeps at least the latest record of every key (see log-cleaner.ts), 'compact,delete' does both.
   */
  cleanupPolicy: CleanupPolicy;
  /** A record is not compacted away before it is this old (Kafka's min.compaction.lag.ms). */
  minCompactionLagMs: number;
  /** Background compaction starts when this share of the sealed log is uncleaned (min.cleanable.dirty.ratio). */
  minCleanableDirtyRatio: number;
  /** How long a tombstone (null value) outlives the records it deleted (delete.retention.ms). */
  deleteRetentionMs: number;
}

export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';
const CLEANUP_POLICIES: readonly CleanupPolicy[] = ['delete', 'compact', 'compact,delete'];

export function compacts(config: TopicConfig): boolean {
  return config.cleanupPolicy !== 'delete';
}

export function deletesByAge(config: TopicConfig): boolean {
  return config.cleanupPolicy !== 'compact';
}

export const DEFAULT_TOPIC_CONFIG: Readonly<TopicConfig> = Object.freeze({
  partitions: 1,
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  segmentBytes: 128 * 1024 * 1024,
  segmentMs: 7 * 24 * 3600 * 1000,
  maxBatchBytes: 1024 * 1024,
  cleanupPolicy: 'delete',
  minCompactionLagMs: 0,
  minCleanableDirtyRatio: 0.5,
  deleteRetentionMs: 24 * 3600 * 1000,
});

/** Offsets and positions are kept in 32-bit index fields, so a segment must stay well below 4 GiB. */
const MAX_SEGMENT_BYTES = 2 ** 31 - 1;
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export function validateTopicName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !TOPIC_NAME.test(name) || name === '.' || name === '..') {
    throw new KlogError(
      'INVALID_TOPIC_NAME',
      `invalid topic name ${JSON.stringify(name)}: use 1-249 characters from [a-zA-Z0-9._-], not "." or ".."`,
    );
  }
}

function checkInteger(name: keyof TopicConfig, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    throw new KlogError('INVALID_CONFIG', `topic config ${name} must be an integer ${range}, got ${value}`);
  }
}

/** Merges a partial config over defaults and rejects values that would make the log misbehave. */
export function resolveTopicConfig(partial: Partial<TopicConfig> = {}, defaults: Partial<TopicConfig> = {}): TopicConfig {
  const known = new Set(Object.keys(DEFAULT_TOPIC_CONFIG));
  for (const key of Object.keys(partial)) {
    if (!known.has(key)) {
      throw new KlogError('INVALID_CONFIG', `unknown topic config "${key}" (known: ${[...known].join(', ')})`);
    }
  }
  const config: TopicConfig = { ...DEFAULT_TOPIC_CONFIG, ...defaults, ...stripUndefined(partial) };
  // A small segmentBytes alone must not make the default batch limit invalid: the limit follows it down.
  if (partial.maxBatchBytes === undefined && defaults.maxBatchBytes === undefined) {
    config.maxBatchBytes = Math.min(config.maxBatchBytes, config.segmentBytes);
  }
  checkInteger('partitions', config.partitions, 1, 100_000);
  if (config.retentionMs !== -1) checkInteger('retentionMs', config.retentionMs, 1);
  if (config.retentionBytes !== -1) checkInteger('retentionBytes', config.retentionBytes, 1);
  checkInteger('segmentBytes', config.segmentBytes, 1024, MAX_SEGMENT_BYTES);
  checkInteger('segmentMs', config.segmentMs, 1);
  checkInteger('maxBatchBytes', config.maxBatchBytes, 128, config.segmentBytes);
  if (!CLEANUP_POLICIES.includes(config.cleanupPolicy)) {
    throw new KlogError('INVALID_CONFIG',
      `topic config cleanupPolicy must be one of ${CLEANUP_POLICIES.join(' | ')}, got ${JSON.stringify(config.cleanupPolicy)}`);
  }
  checkInteger('minCompactionLagMs', config.minCompactionLagMs, 0);
  checkInteger('deleteRetentionMs', config.deleteRetentionMs, 0);
  const ratio = config.minCleanableDirtyRatio;
  if (typeof ratio !== 'number' || !(ratio >= 0 && ratio <= 1)) {
    throw new KlogError('INVALID_CONFIG', `topic config minCleanableDirtyRatio must be a number between 0 and 1, got ${ratio}`);
  }
  return config;
}

function stripUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
