import { KlogError, type CleanupPolicy, type TopicConfig } from '@klog/log-core';

/**
 * Topic settings travel as a dictionary of integers (createTopics, alterTopicConfigs). The one setting that
 * is not a number, cleanupPolicy, is sent as its index in this list, so that the schema stays as it was and
 * older peers see an integer they reject by name rather than a value of a new type. minCleanableDirtyRatio
 * (a fraction) stays a broker-side setting: it is not sent.
 */
export const CLEANUP_POLICY_CODES: readonly CleanupPolicy[] = ['delete', 'compact', 'compact,delete'];

type WireSettings = Record<string, number>;

/** Settings as sent: numbers as they are, cleanupPolicy as its code. */
export function topicSettingsToWire(settings: Partial<TopicConfig>): WireSettings {
  const out: WireSettings = {};
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined || key === 'minCleanableDirtyRatio') continue;
    if (key === 'cleanupPolicy') {
      const code = CLEANUP_POLICY_CODES.indexOf(value as CleanupPolicy);
      if (code < 0) throw new KlogError('INVALID_CONFIG', `cleanupPolicy must be one of ${CLEANUP_POLICY_CODES.join(' | ')}, got ${JSON.stringify(value)}`);
      out[key] = code;
    } else {
      out[key] = value as number;
    }
  }
  return out;
}

/** The inverse of {@link topicSettingsToWire}; an unknown policy code is INVALID_CONFIG. */
export function topicSettingsFromWire(wire: WireSettings): Partial<TopicConfig> {
  const out: Record<string, unknown> = { ...wire };
  if (wire.cleanupPolicy !== undefined) {
    const policy = CLEANUP_POLICY_CODES[wire.cleanupPolicy];
    if (policy === undefined) {
      throw new KlogError('INVALID_CONFIG', `unknown cleanupPolicy code ${wire.cleanupPolicy} (known: ${CLEANUP_POLICY_CODES.map((p, i) => `${i} ${p}`).join(', ')})`);
    }
    out.cleanupPolicy = policy;
  }
  return out as Partial<TopicConfig>;
}
