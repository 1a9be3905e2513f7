import type { GroupDescription } from '@klog/consumer-group';
import { Counter, Gauge, type Registry } from 'prom-client';
import { describeGroups } from '../services/describe-groups.js';
import { diskSpace } from '../services/disk-space.js';
import { groupLag } from '../services/group-lag.js';
import type { MetricSources } from './metric-sources.js';

/**
 * The families computed when Prometheus scrapes rather than counted as work happens: topic sizes, disk space,
 * recovery, groups and lag. Each collect starts from empty, so a deleted topic or group leaves no stale series.
 * Counters here mirror a cumulative number kept elsewhere (recovery stats, a group's generation), so they are
 * reset to it at each scrape. Call the returned function before each scrape: one scrape describes every group
 * once, however many families show them.
 */
export function registerScrapeGauges(registry: Registry, sources: () => MetricSources | null, perPartition: boolean): () => void {
  const registers = [registry];
  let groups: Promise<GroupDescription[]> | null = null;
  const groupSnapshot = (s: MetricSources): Promise<GroupDescription[]> => (groups ??= describeGroups(s.coordinator));
  const newScrape = (): void => {
    groups = null;
  };

  new Gauge({
    name: 'klog_topic_partitions', help: 'Partitions of each topic', labelNames: ['topic'], registers,
    collect() {
      this.reset();
      const s = sources();
      for (const topic of s?.store.listTopics() ?? []) this.set({ topic }, s!.store.partitionCount(topic));
    },
  });
  new Gauge({
    name: 'klog_log_size_bytes', help: 'Bytes of segment files of each topic, all partitions', labelNames: ['topic'], registers,
    collect() {
      this.reset();
      const s = sources();
      for (const topic of s?.store.listTopics() ?? []) {
        this.set({ topic }, s!.store.describeTopic(topic).partitions.reduce((sum, p) => sum + p.sizeBytes, 0));
      }
    },
  });
  const disk = async (): Promise<{ freeBytes: number; totalBytes: number } | null> => {
    const s = sources();
    return s ? diskSpace(s.dataDir) : null;
  };
  new Gauge({
    name: 'klog_storage_disk_free_bytes', help: 'Bytes free for the broker on the data directory\'s file system', registers,
    async collect() {
      const d = await disk();
      if (d) this.set(d.freeBytes);
    },
  });
  new Gauge({
    name: 'klog_storage_disk_total_bytes', help: 'Size of the data directory\'s file system', registers,
    async collect() {
      const d = await disk();
      if (d) this.set(d.totalBytes);
    },
  });
  new Counter({
    name: 'klog_recovery_truncated_bytes_total', help: 'Bytes of torn or corrupt data cut by crash recovery when the log opened', registers,
    collect() {
      this.reset();
      this.inc(sources()?.store.stats.truncatedBytes ?? 0);
    },
  });
  new Counter({
    name: 'klog_recovery_partitions_total', help: 'Partitions checked by crash recovery when the log opened', registers,
    collect() {
      this.reset();
      this.inc(sources()?.store.stats.recoveredPartitions ?? 0);
    },
  });

  const perGroup = (name: string, help: string, value: (g: GroupDescription) => number, type: 'gauge' | 'counter' = 'gauge'): void => {
    const collect = async function (this: Gauge<'group'> | Counter<'group'>): Promise<void> {
      this.reset();
      const s = sources();
      if (!s) return;
      for (const g of await groupSnapshot(s)) this.inc({ group: g.groupId }, value(g));
    };
    if (type === 'gauge') new Gauge({ name, help, labelNames: ['group'], registers, collect });
    else new Counter({ name, help, labelNames: ['group'], registers, collect });
  };
  perGroup('klog_consumer_group_members', 'Members of each consumer group', (g) => g.members.length);
  perGroup('klog_consumer_group_lag_sum', 'Records each group has still to read, summed over its partitions', (g) => groupLag(g).sum);
  perGroup('klog_consumer_group_lag_max', 'The largest lag of any partition of each group', (g) => groupLag(g).max);
  perGroup('klog_consumer_group_rebalances_total', 'Rebalances each group completed since the broker started (its generation)', (g) => g.generationId, 'counter');

  if (!perPartition) return newScrape;
  const perTopicPartition = (name: string, help: string, value: (p: { logStartOffset: number; logEndOffset: number; sizeBytes: number }) => number): void => {
    new Gauge({
      name, help, labelNames: ['topic', 'partition'], registers,
      collect() {
        this.reset();
        const s = sources();
        for (const topic of s?.store.listTopics() ?? []) {
          for (const p of s!.store.describeTopic(topic).partitions) this.set({ topic, partition: String(p.partition) }, value(p));
        }
      },
    });
  };
  perTopicPartition('klog_partition_high_watermark', 'The next offset to be written in each partition', (p) => p.logEndOffset);
  perTopicPartition('klog_partition_log_start_offset', 'The first offset still kept in each partition', (p) => p.logStartOffset);
  perTopicPartition('klog_partition_size_bytes', 'Bytes of segment files of each partition', (p) => p.sizeBytes);
  const perGroupPartition = (name: string, help: string, value: (p: GroupDescription['partitions'][number]) => number | null): void => {
    new Gauge({
      name, help, labelNames: ['group', 'topic', 'partition'], registers,
      async collect() {
        this.reset();
        const s = sources();
        if (!s) return;
        for (const g of await groupSnapshot(s)) {
          for (const p of g.partitions) {
            const v = value(p);
            if (v !== null) this.set({ group: g.groupId, topic: p.topic, partition: String(p.partition) }, v);
          }
        }
      },
    });
  };
  perGroupPartition('klog_consumer_group_committed_offset', 'The offset each group committed on each partition', (p) => p.committedOffset);
  perGroupPartition('klog_consumer_group_lag', 'Records each group has still to read on each partition', (p) => p.lag);
  return newScrape;
}
