import { KlogError, type TopicConfig } from '@klog/log-core';
import {
  deriveScramCredentials, fromWireError, pacedRedrive, topicSettingsFromWire, topicSettingsToWire, type PacingClock, type QueueResetTo, type RequestOf, type ResponseOf,
} from '@klog/protocol';
import type { BrokerConnection } from './broker-connection.js';

/** One ACL as the broker keeps it (see docs/security.md). */
export type Acl = ResponseOf<'aclList'>['acls'][number];
import { listOffsets } from './consumer.js';
import { sleep } from './retry.js';

const SYSTEM_CLOCK: PacingClock = { now: () => Date.now(), sleep };

export type TopicSettings = Partial<Omit<TopicConfig, 'partitions'>> & { partitions?: number };

export interface TopicMetadata {
  name: string;
  internal: boolean;
  partitions: { partition: number; logStartOffset: number; logEndOffset: number }[];
  /** The topic's settings under Kafka's names, each marked default or the topic's own (brokers from metadata v2). */
  configs?: { name: string; value: string; isDefault: boolean }[];
}

export interface GroupListing {
  groupId: string;
  state: string;
  protocolType: string;
  members: number;
}

export interface GroupInfo {
  groupId: string;
  state: string;
  generationId: number;
  protocolType: string;
  protocolName: string | null;
  leaderId: string | null;
  members: { memberId: string; clientId: string; clientHost: string; assignment: { topic: string; partition: number }[] | null }[];
  partitions: { topic: string; partition: number; memberId: string | null; committedOffset: number | null;
    logStartOffset: number | null; logEndOffset: number | null; lag: number | null }[];
}

/** What createQueue takes: a name, the topics it reads, and any settings to change from their defaults. */
export type QueueSettings = RequestOf<'createQueue'>;
/** A queue's settings with the defaults filled in, as the broker uses them. */
export type QueueConfig = ResponseOf<'createQueue'>['config'];
export type QueueListing = ResponseOf<'listQueues'>['queues'][number];
/** Settings, members (with how long each has been idle), and per partition ready / delayed / inFlight / archived / lag. */
export type QueueInfo = ResponseOf<'describeQueue'>;

/** Any per-entry answer: an error code and message when that entry failed. */
type Result = Pick<ResponseOf<'createTopics'>['topics'][number], 'errorCode' | 'errorMessage'>;

function throwIfError(r: Result | undefined, what: string): void {
  if (!r) throw new KlogError('INVALID_REQUEST', `the broker did not answer for ${what}`);
  if (r.errorCode) throw fromWireError(r, '');
}

/** Topic administration and offset queries. */
export class Admin {
  constructor(private readonly conn: BrokerConnection) {}

  async createTopic(name: string, settings: TopicSettings = {}): Promise<void> {
    const { partitions, ...config } = settings;
    const res = await this.conn.request('createTopics', { topics: [{ name, partitions, config: topicSettingsToWire(config) }] });
    throwIfError(res.topics[0], `topic ${name}`);
  }

  /**
   * Changes an existing topic's settings (retentionMs, retentionBytes, segmentBytes, segmentMs, maxBatchBytes,
   * cleanupPolicy, minCompactionLagMs, deleteRetentionMs);
   * the ones not named keep their values. Resolves with every setting of the topic after the change. The
   * partition count cannot change here.
   */
  async alterTopicConfig(name: string, settings: Partial<Omit<TopicConfig, 'partitions'>>): Promise<TopicConfig> {
    const res = await this.conn.request('alterTopicConfigs', { topics: [{ name, config: topicSettingsToWire(settings) }] });
    const r = res.topics[0];
    throwIfError(r, `topic ${name}`);
    return topicSettingsFromWire(r!.config ?? {}) as TopicConfig;
  }

  /**
   * Runs one compaction pass now over every partition of a topic whose cleanupPolicy is compact or
   * compact,delete; resolves when it is done, with what it cleaned.
   */
  async compactTopic(name: string): Promise<{ segmentsCleaned: number; bytesBefore: number; bytesAfter: number }> {
    const res = await this.conn.request('compactTopic', { topics: [name] });
    const r = res.topics[0];
    throwIfError(r, `topic ${name}`);
    return { segmentsCleaned: r!.segmentsCleaned ?? 0, bytesBefore: r!.bytesBefore ?? 0, bytesAfter: r!.bytesAfter ?? 0 };
  }

  /**
   * Grows a topic to `count` partitions (never fewer). The new partitions start empty; keyed records map by the
   * new count from then on, so a key may land on another partition than before, as in Kafka. Resolves with the
   * new count.
   */
  async createPartitions(name: string, count: number): Promise<number> {
    const res = await this.conn.request('createPartitions', { topics: [{ name, count }] });
    const r = res.topics[0];
    throwIfError(r, `topic ${name}`);
    return r!.partitions ?? count;
  }

  /**
   * Trims a partition from the front (Kafka's DeleteRecords): its log start offset moves up to `beforeOffset`,
   * at most its end offset; records below it are no longer read, and whole segments below it are deleted.
   * Resolves with the new log start offset.
   */
  async deleteRecords(topic: string, partition: number, beforeOffset: number): Promise<number> {
    const res = await this.conn.request('deleteRecords', { partitions: [{ topic, partition, beforeOffset }] });
    const r = res.partitions[0];
    throwIfError(r, `${topic}-${partition}`);
    return r!.logStartOffset ?? beforeOffset;
  }

  async deleteTopic(name: string): Promise<void> {
    const res = await this.conn.request('deleteTopics', { topics: [name] });
    throwIfError(res.topics[0], `topic ${name}`);
  }

  async listTopics(): Promise<string[]> {
    return (await this.metadata()).filter((t) => !t.internal).map((t) => t.name);
  }

  /** Topics with their partitions' start and end offsets (all topics when none are named). */
  async metadata(topics?: string[]): Promise<TopicMetadata[]> {
    const res = await this.conn.request('metadata', { topics, allowAutoCreate: false });
    for (const t of res.topics) throwIfError(t, `topic ${t.name}`);
    return res.topics.map(({ name, internal, partitions, configs }) => ({ name, internal, partitions, ...(configs ? { configs } : {}) }));
  }

  async listGroups(): Promise<GroupListing[]> {
    return (await this.conn.request('listGroups', {})).groups;
  }

  /** State, members with their partitions, and committed offset, end offset and lag per partition. */
  async describeGroup(groupId: string): Promise<GroupInfo> {
    const { members, ...group } = await this.conn.request('describeGroup', { groupId });
    return { ...group, members: members.map(({ memberId, clientId, clientHost, assignment }) => ({ memberId, clientId, clientHost, assignment })) };
  }

  /** Moves a group's committed offsets (the group must have no active members). */
  async resetOffsets(groupId: string, topic: string, to: 'earliest' | 'latest' | { offset: number } | { timestamp: number }, partitions?: number[]): Promise<{ topic: string; partition: number; offset: number }[]> {
    return (await this.conn.request('resetOffsets', { groupId, topic, to, partitions })).offsets;
  }

  async fetchCommittedOffsets(groupId: string, partitions?: { topic: string; partition: number }[]): Promise<{ topic: string; partition: number; offset: number; metadata: string }[]> {
    return (await this.conn.request('offsetFetch', { groupId, partitions })).offsets;
  }

  async deleteGroup(groupId: string): Promise<void> {
    await this.conn.request('deleteGroup', { groupId });
  }

  /** Creates a queue, or applies these settings to an existing one (its topics cannot change); resolves with its settings. */
  async createQueue(settings: QueueSettings): Promise<QueueConfig> {
    return (await this.conn.request('createQueue', settings)).config;
  }

  async listQueues(): Promise<QueueListing[]> {
    return (await this.conn.request('listQueues', {})).queues;
  }

  async describeQueue(name: string): Promise<QueueInfo> {
    return this.conn.request('describeQueue', { queue: name });
  }

  /**
   * Produces up to `max` (default all) of the queue's dead letters back to their source partitions. With
   * `ratePerSec`, no faster than that on average: the client sends short requests of a tenth of a second's worth
   * each (see pacedRedrive), and `signal` stops between two of them. A dead letter leaves the dead letters only
   * once it is produced, so an interrupted run loses none.
   */
  async redriveQueue(name: string, opts: { max?: number; ratePerSec?: number; signal?: AbortSignal } = {}): Promise<{ moved: number }> {
    const step = async (max: number | undefined): Promise<number> => (await this.conn.request('redriveQueue', { queue: name, max })).moved;
    if (opts.ratePerSec === undefined) return { moved: await step(opts.max) };
    return { moved: await pacedRedrive(step, { max: opts.max, ratePerSec: opts.ratePerSec, clock: SYSTEM_CLOCK, signal: opts.signal }) };
  }

  /** Moves the queue's start in every partition: 'earliest', 'latest', or { timestamp }. */
  async resetQueue(name: string, to: QueueResetTo): Promise<void> {
    await this.conn.request('resetQueue', { queue: name, to });
  }

  /** Deletes the queue and its delivery state; its topics and dead letters stay. */
  async deleteQueue(name: string): Promise<void> {
    await this.conn.request('deleteQueue', { queue: name });
  }

  /**
   * Adds a user (or gives it a new password): the client derives a SCRAM-SHA-256 and a SCRAM-SHA-512 credential
   * with fresh salts, and only those cross the wire. Resolves with true when the user is new.
   */
  async addUser(user: string, password: string, opts: { iterations?: number } = {}): Promise<boolean> {
    return (await this.conn.request('userAdd', { user, credentials: deriveScramCredentials(password, opts) })).created;
  }

  async listUsers(): Promise<{ user: string; mechanisms: string[] }[]> {
    return (await this.conn.request('userList', {})).users;
  }

  async removeUser(user: string): Promise<void> {
    await this.conn.request('userRemove', { user });
  }

  /** Adds an ACL (principal `User:NAME` or `*`); resolves with false when the same ACL was already there. */
  async addAcl(acl: Acl): Promise<boolean> {
    return (await this.conn.request('aclAdd', { acl })).created;
  }

  async listAcls(): Promise<Acl[]> {
    return (await this.conn.request('aclList', {})).acls;
  }

  /** Removes an ACL given exactly as it was added (UNKNOWN_ACL otherwise). */
  async removeAcl(acl: Acl): Promise<void> {
    await this.conn.request('aclRemove', { acl });
  }

  /** Offsets per partition: 'earliest', 'latest', or the first offset at or after a time (ms). */
  async fetchOffsets(topic: string, at: 'earliest' | 'latest' | number = 'latest'): Promise<{ partition: number; offset: number }[]> {
    const [meta] = await this.metadata([topic]);
    const timestamp = at === 'earliest' ? -2 : at === 'latest' ? -1 : at;
    const offsets = await listOffsets(this.conn, meta.partitions.map((p) => ({ topic, partition: p.partition, timestamp })));
    return meta.partitions.map((p) => ({ partition: p.partition, offset: offsets.get(`${p.partition}:${topic}`)! }));
  }
}
