import { KlogError, type TopicConfig } from '@klog/log-core';
import { int, obj, objects, str, strings } from '@klog/protocol';
import { toWireError } from '@klog/protocol';
import { isInternalTopic, type BrokerContext } from '../broker-context.js';

const SETTABLE: (keyof TopicConfig)[] = ['retentionMs', 'retentionBytes', 'segmentBytes', 'segmentMs', 'maxBatchBytes'];

function checkNotInternal(name: string): void {
  if (isInternalTopic(name)) {
    throw new KlogError('INVALID_TOPIC_NAME', `topic names starting with "__" are reserved for the broker (${name})`);
  }
}

/** Creates topics; each gets its own result, so one bad name does not fail the others. */
export async function createTopics(req: Record<string, unknown>, ctx: BrokerContext): Promise<Record<string, unknown>> {
  const results = [];
  for (const [t, path] of objects(req, 'topics', 'createTopics', { max: 10_000 })) {
    const name = str(t, 'name', path);
    try {
      checkNotInternal(name);
      const config: Partial<TopicConfig> = { partitions: int(t, 'partitions', path, { default: ctx.config.defaultPartitions }) };
      if (t.config !== undefined && t.config !== null) {
        const c = obj(t.config, `${path}.config`);
        for (const key of Object.keys(c)) {
          if (!SETTABLE.includes(key as keyof TopicConfig)) {
            throw new KlogError('INVALID_CONFIG', `unknown topic setting "${key}" (settable: ${SETTABLE.join(', ')})`);
          }
          config[key as keyof TopicConfig] = int(c, key, `${path}.config`);
        }
      }
      await ctx.store.createTopic(name, config);
      ctx.logger.info({ topic: name, ...config }, 'created topic');
      results.push({ name });
    } catch (err) {
      results.push({ name, ...toWireError(err) });
    }
  }
  ctx.topicsChanged();
  return { topics: results };
}

export async function deleteTopics(req: Record<string, unknown>, ctx: BrokerContext): Promise<Record<string, unknown>> {
  const results = [];
  for (const name of strings(req, 'topics', 'deleteTopics')) {
    try {
      checkNotInternal(name);
      await ctx.store.deleteTopic(name);
      await ctx.coordinator.deleteTopicOffsets(name);
      ctx.logger.info({ topic: name }, 'deleted topic');
      results.push({ name });
    } catch (err) {
      results.push({ name, ...toWireError(err) });
    }
  }
  ctx.topicsChanged();
  return { topics: results };
}
