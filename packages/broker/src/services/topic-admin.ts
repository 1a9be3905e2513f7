import { KlogError, resolveTopicConfig, validateTopicName, type TopicConfig } from '@klog/log-core';
import type { BrokerServices } from './broker-services.js';
import { isInternalTopic } from './internal-topics.js';

/**
 * The topic changes both listeners make (the native admin handlers and the Kafka admin APIs): the same checks,
 * the same errors (KlogErrors, which each listener maps to its own codes) and the same log lines. What is
 * particular to one protocol (Kafka's replication factor and replica assignments) stays in that listener.
 * Callers tell the coordinator with topicsChanged() once per request.
 */

type Protocol = 'native' | 'kafka';

/** Topics starting with "__" are the broker's: clients cannot create, change, grow, trim or delete them. */
export function checkNotInternal(name: string, what = 'topic names starting with "__" are reserved for the broker'): void {
  if (isInternalTopic(name)) throw new KlogError('INVALID_TOPIC_NAME', `${what} (${name})`);
}

/** Every topic's defaults: the broker's topic defaults over the log's. */
export function topicDefaults(services: BrokerServices): TopicConfig {
  return resolveTopicConfig({}, services.config.topicDefaults);
}

/**
 * Creates a topic (or, with validateOnly, checks that it could be created: a free, valid name and valid
 * settings) and returns its whole configuration.
 */
export async function createTopic(services: BrokerServices, name: string, config: Partial<TopicConfig>, opts: { validateOnly?: boolean; protocol: Protocol }): Promise<TopicConfig> {
  validateTopicName(name);
  checkNotInternal(name);
  if (opts.validateOnly) {
    if (services.store.hasTopic(name)) throw new KlogError('TOPIC_EXISTS', `topic ${name} already exists`);
    return resolveTopicConfig(config, topicDefaults(services));
  }
  const created = await services.store.createTopic(name, config);
  services.logger.info({ topic: name, ...config, protocol: opts.protocol }, 'created topic');
  return created.config;
}

/** Deletes a topic and the offsets groups committed on it. */
export async function deleteTopic(services: BrokerServices, name: string, protocol: Protocol): Promise<void> {
  checkNotInternal(name);
  await services.store.deleteTopic(name);
  await services.coordinator.deleteTopicOffsets(name);
  services.logger.info({ topic: name, protocol }, 'deleted topic');
}

/** Grows a topic to `count` partitions (validateOnly: checks that it could) and returns the count. */
export async function growTopic(services: BrokerServices, name: string, count: number, opts: { validateOnly?: boolean; protocol: Protocol }): Promise<number> {
  checkNotInternal(name, 'the broker\'s topics keep their partitions');
  const { store } = services;
  if (opts.validateOnly) {
    const current = store.partitionCount(name);
    if (!Number.isInteger(count) || count <= current) {
      throw new KlogError('INVALID_CONFIG', `topic ${name} has ${current} partitions; the new count must be a larger integer, got ${count}`);
    }
    resolveTopicConfig({ partitions: count }, store.describeTopic(name).config);
    return count;
  }
  const { partitions } = await store.addPartitions(name, count);
  services.logger.info({ topic: name, partitions: partitions.length, protocol: opts.protocol }, 'added partitions');
  return partitions.length;
}

/** Moves a partition's log start offset up to `before` (Kafka's DeleteRecords) and returns the new start. */
export async function trimPartition(services: BrokerServices, topic: string, partition: number, before: number, protocol: Protocol): Promise<number> {
  checkNotInternal(topic, 'the broker\'s topics cannot be trimmed');
  const { store } = services;
  await store.deleteRecordsBefore(topic, partition, before);
  const logStartOffset = store.logStartOffset(topic, partition);
  services.logger.info({ topic, partition, logStartOffset, protocol }, 'trimmed partition');
  return logStartOffset;
}

/** Changes a topic's settings (validateOnly: checks them against its current ones) and returns the result. */
export async function alterTopic(services: BrokerServices, name: string, changes: Partial<TopicConfig>, opts: { validateOnly?: boolean; protocol: Protocol }): Promise<TopicConfig> {
  checkNotInternal(name, 'the broker\'s topics keep their settings');
  const { store } = services;
  if (opts.validateOnly) return resolveTopicConfig(changes, store.describeTopic(name).config);
  const config = await store.alterTopicConfig(name, changes);
  services.logger.info({ topic: name, ...changes, protocol: opts.protocol }, 'changed topic settings');
  return config;
}
