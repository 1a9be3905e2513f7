import { KlogError, type TopicConfig } from '@klog/log-core';
import type { BrokerConnection } from './broker-connection.js';
import { listOffsets } from './consumer.js';

export type TopicSettings = Partial<Omit<TopicConfig, 'partitions'>> & { partitions?: number };

export interface TopicMetadata {
  name: string;
  internal: boolean;
  partitions: { partition: number; logStartOffset: number; logEndOffset: number }[];
}

type Result = { name: string; errorCode?: string; errorMessage?: string };

function throwIfError(r: Result | undefined, what: string): void {
  if (!r) throw new KlogError('INVALID_REQUEST', `the broker did not answer for ${what}`);
  if (r.errorCode) throw new KlogError(r.errorCode as 'INVALID_REQUEST', r.errorMessage ?? r.errorCode);
}

/** Topic administration and offset queries. */
export class Admin {
  constructor(private readonly conn: BrokerConnection) {}

  async createTopic(name: string, settings: TopicSettings = {}): Promise<void> {
    const { partitions, ...config } = settings;
    const res = await this.conn.request('createTopics', { topics: [{ name, partitions, config }] });
    throwIfError((res.topics as Result[])[0], `topic ${name}`);
  }

  async deleteTopic(name: string): Promise<void> {
    const res = await this.conn.request('deleteTopics', { topics: [name] });
    throwIfError((res.topics as Result[])[0], `topic ${name}`);
  }

  async listTopics(): Promise<string[]> {
    return (await this.metadata()).filter((t) => !t.internal).map((t) => t.name);
  }

  /** Topics with their partitions' start and end offsets (all topics when none are named). */
  async metadata(topics?: string[]): Promise<TopicMetadata[]> {
    const res = await this.conn.request('metadata', { topics: topics ?? null, allowAutoCreate: false });
    const list = res.topics as (TopicMetadata & Result)[];
    for (const t of list) throwIfError(t, `topic ${t.name}`);
    return list;
  }

  /** Offsets per partition: 'earliest', 'latest', or the first offset at or after a time (ms). */
  async fetchOffsets(topic: string, at: 'earliest' | 'latest' | number = 'latest'): Promise<{ partition: number; offset: number }[]> {
    const [meta] = await this.metadata([topic]);
    const timestamp = at === 'earliest' ? -2 : at === 'latest' ? -1 : at;
    const offsets = await listOffsets(this.conn, meta.partitions.map((p) => ({ topic, partition: p.partition, timestamp })));
    return meta.partitions.map((p) => ({ partition: p.partition, offset: offsets.get(`${p.partition}:${topic}`)! }));
  }
}
