import { KlogError, type TopicConfig } from '@klog/log-core';
import { toWireError, topicSettingsFromWire, topicSettingsToWire, type RequestOf, type ResponseOf } from '@klog/protocol';
import type { BrokerContext } from '../broker-context.js';
import { alterTopic, checkNotInternal, createTopic, deleteTopic, growTopic, trimPartition } from '../../services/topic-admin.js';

const SETTABLE: (keyof TopicConfig)[] = ['retentionMs', 'retentionBytes', 'segmentBytes', 'segmentMs', 'maxBatchBytes',
  'cleanupPolicy', 'minCompactionLagMs', 'deleteRetentionMs'];

/** A request's settings by name, checked against the ones a client may set. */
function settingsOf(config: Record<string, number>): Partial<TopicConfig> {
  for (const key of Object.keys(config)) {
    if (!SETTABLE.includes(key as keyof TopicConfig)) {
      throw new KlogError('INVALID_CONFIG', `unknown topic setting "${key}" (settable: ${SETTABLE.join(', ')})`);
    }
  }
  return topicSettingsFromWire(config);
}

/** Creates topics; each gets its own result, so one bad name does not fail the others. */
export async function createTopics(req: RequestOf<'createTopics'>, ctx: BrokerContext): Promise<ResponseOf<'createTopics'>> {
  const results: ResponseOf<'createTopics'>['topics'] = [];
  for (const t of req.topics) {
    const name = t.name;
    try {
      checkNotInternal(name);
      const config: Partial<TopicConfig> = { partitions: t.partitions ?? ctx.config.defaultPartitions, ...settingsOf(t.config ?? {}) };
      await createTopic(ctx, name, config, { protocol: 'native' });
      results.push({ name });
    } catch (err) {
      results.push({ name, ...toWireError(err, ctx.logger) });
    }
  }
  ctx.topicsChanged();
  return { topics: results };
}

/** Changes settings of existing topics; the partition count cannot change here. */
export async function alterTopicConfigs(req: RequestOf<'alterTopicConfigs'>, ctx: BrokerContext): Promise<ResponseOf<'alterTopicConfigs'>> {
  const results: ResponseOf<'alterTopicConfigs'>['topics'] = [];
  for (const t of req.topics) {
    try {
      checkNotInternal(t.name);
      const config = await alterTopic(ctx, t.name, settingsOf(t.config), { protocol: 'native' });
      results.push({ name: t.name, config: topicSettingsToWire(config) });
    } catch (err) {
      results.push({ name: t.name, ...toWireError(err, ctx.logger) });
    }
  }
  return { topics: results };
}

/** One compaction pass now over each topic named, answered when done; each topic gets its own result. */
export async function compactTopic(req: RequestOf<'compactTopic'>, ctx: BrokerContext): Promise<ResponseOf<'compactTopic'>> {
  const results: ResponseOf<'compactTopic'>['topics'] = [];
  for (const name of req.topics) {
    try {
      checkNotInternal(name);
      const report = await ctx.store.compact(name);
      ctx.logger.info({ topic: name, ...report }, 'compacted topic');
      results.push({ name, ...report });
    } catch (err) {
      results.push({ name, ...toWireError(err, ctx.logger) });
    }
  }
  return { topics: results };
}

export async function deleteTopics(req: RequestOf<'deleteTopics'>, ctx: BrokerContext): Promise<ResponseOf<'deleteTopics'>> {
  const results: ResponseOf<'deleteTopics'>['topics'] = [];
  for (const name of req.topics) {
    try {
      await deleteTopic(ctx, name, 'native');
      results.push({ name });
    } catch (err) {
      results.push({ name, ...toWireError(err, ctx.logger) });
    }
  }
  ctx.topicsChanged();
  return { topics: results };
}

/** Grows topics; the coordinator then rebalances the groups that read them onto the new partitions. */
export async function createPartitions(req: RequestOf<'createPartitions'>, ctx: BrokerContext): Promise<ResponseOf<'createPartitions'>> {
  const results: ResponseOf<'createPartitions'>['topics'] = [];
  for (const t of req.topics) {
    try {
      checkNotInternal(t.name);
      const partitions = await growTopic(ctx, t.name, t.count, { protocol: 'native' });
      results.push({ name: t.name, partitions });
    } catch (err) {
      results.push({ name: t.name, ...toWireError(err, ctx.logger) });
    }
  }
  ctx.topicsChanged();
  return { topics: results };
}

/** Moves log start offsets up (Kafka's DeleteRecords); segments wholly below them are deleted. */
export async function deleteRecords(req: RequestOf<'deleteRecords'>, ctx: BrokerContext): Promise<ResponseOf<'deleteRecords'>> {
  const results: ResponseOf<'deleteRecords'>['partitions'] = [];
  for (const { topic, partition, beforeOffset } of req.partitions) {
    try {
      checkNotInternal(topic);
      const logStartOffset = await trimPartition(ctx, topic, partition, beforeOffset, 'native');
      results.push({ topic, partition, logStartOffset });
    } catch (err) {
      results.push({ topic, partition, ...toWireError(err, ctx.logger) });
    }
  }
  return { partitions: results };
}
