import { KlogError } from '@klog/log-core';
import { fromWireError } from '@klog/protocol';
import type { BrokerConnection } from './broker-connection.js';

/** What a producer needs to know of a topic. */
export interface TopicInfo {
  partitions: number;
  /** The largest batch the topic accepts (its maxBatchBytes); undefined from a broker that does not say. */
  maxBatchBytes: number | undefined;
}

interface TopicMeta extends TopicInfo {
  fetchedAt: number;
}

/**
 * How long a producer trusts what it learnt of a topic before asking again, as Kafka's metadata.max.age.ms: a
 * topic that grew gets its new partitions used within this time even when nothing fails.
 */
export const DEFAULT_METADATA_MAX_AGE_MS = 5 * 60_000;

/** Partition counts and batch limits of topics, asked of the broker when unknown or stale (a topic may grow or be recreated). */
export class MetadataCache {
  private readonly topics = new Map<string, TopicMeta>();
  /** One request per topic at a time: a burst of sends to a new topic shares the answer instead of each asking. */
  private readonly inFlight = new Map<string, Promise<TopicInfo>>();

  constructor(private readonly conn: BrokerConnection, private readonly maxAgeMs = DEFAULT_METADATA_MAX_AGE_MS) {
    if (typeof maxAgeMs !== 'number' || !(maxAgeMs >= 0)) {
      throw new KlogError('INVALID_CONFIG', `metadataMaxAgeMs must be a number of milliseconds >= 0, got ${String(maxAgeMs)}`);
    }
  }

  async partitions(topic: string, allowAutoCreate: boolean): Promise<number> {
    return (await this.topic(topic, allowAutoCreate)).partitions;
  }

  async topic(topic: string, allowAutoCreate: boolean): Promise<TopicInfo> {
    return this.cached(topic) ?? this.refreshTopic(topic, allowAutoCreate);
  }

  /** What is known of the topic, if it is still fresh. */
  cached(topic: string): TopicInfo | undefined {
    const cached = this.topics.get(topic);
    return cached && Date.now() - cached.fetchedAt < this.maxAgeMs ? cached : undefined;
  }

  async refresh(topic: string, allowAutoCreate: boolean): Promise<number> {
    return (await this.refreshTopic(topic, allowAutoCreate)).partitions;
  }

  /** The topic as the broker has it now, whatever is cached. */
  refreshTopic(topic: string, allowAutoCreate: boolean): Promise<TopicInfo> {
    let pending = this.inFlight.get(topic);
    if (!pending) {
      pending = this.ask(topic, allowAutoCreate).finally(() => this.inFlight.delete(topic));
      this.inFlight.set(topic, pending);
    }
    return pending;
  }

  private async ask(topic: string, allowAutoCreate: boolean): Promise<TopicInfo> {
    const res = await this.conn.request('metadata', { topics: [topic], allowAutoCreate });
    const t = res.topics[0];
    if (!t || t.errorCode) {
      throw t ? fromWireError(t, '') : new KlogError('UNKNOWN_TOPIC', `topic ${topic} does not exist`);
    }
    const info: TopicMeta = {
      partitions: t.partitions.length,
      maxBatchBytes: typeof t.maxBatchBytes === 'number' ? t.maxBatchBytes : undefined,
      fetchedAt: Date.now(),
    };
    this.topics.set(topic, info);
    return info;
  }

  invalidate(topic: string): void {
    this.topics.delete(topic);
  }
}
