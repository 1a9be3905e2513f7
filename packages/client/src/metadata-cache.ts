import { KlogError } from '@klog/log-core';
import { fromWireError } from '@klog/protocol';
import type { BrokerConnection } from './broker-connection.js';

interface TopicMeta {
  partitions: number;
  fetchedAt: number;
}

/** Partition counts of topics, asked of the broker when unknown or stale (a topic may grow or be recreated). */
export class MetadataCache {
  private readonly topics = new Map<string, TopicMeta>();

  constructor(private readonly conn: BrokerConnection, private readonly maxAgeMs = 30_000) {}

  async partitions(topic: string, allowAutoCreate: boolean): Promise<number> {
    const cached = this.topics.get(topic);
    if (cached && Date.now() - cached.fetchedAt < this.maxAgeMs) return cached.partitions;
    return this.refresh(topic, allowAutoCreate);
  }

  async refresh(topic: string, allowAutoCreate: boolean): Promise<number> {
    const res = await this.conn.request('metadata', { topics: [topic], allowAutoCreate });
    const t = res.topics[0];
    if (!t || t.errorCode) {
      throw t ? fromWireError(t, '') : new KlogError('UNKNOWN_TOPIC', `topic ${topic} does not exist`);
    }
    this.topics.set(topic, { partitions: t.partitions.length, fetchedAt: Date.now() });
    return t.partitions.length;
  }

  invalidate(topic: string): void {
    this.topics.delete(topic);
  }
}
