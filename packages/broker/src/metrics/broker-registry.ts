import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BrokerMetrics, ListenerName, TrafficTotals } from '../services/broker-metrics.js';
import { DeferredCounter, type CountSlot } from './deferred-counter.js';
import type { MetricSources } from './metric-sources.js';
import { PlainHistogram, type HistogramSeries } from './plain-histogram.js';
import { registerQueueGauges } from './queue-gauges.js';
import { registerScrapeGauges } from './scrape-gauges.js';

export interface BrokerRegistryOptions {
  version: string;
  /** Also export per-partition series (offsets, lag per partition): one series per partition per family. */
  perPartition: boolean;
}

/** Seconds, from 100 µs to 10 s: a produce on the page cache is sub-millisecond, a long-poll fetch seconds. */
const DURATION_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One broker's Prometheus registry: its own Registry (never prom-client's global one, so several brokers can
 * live in one process), the klog_* families, and prom-client's process and Node.js metrics under their
 * standard names. Implements BrokerMetrics for the listeners. What the listeners count per request or per
 * chunk (requests, their durations, bytes, records) is added to plain numbers, in slots cached per label set, and
 * handed to prom-client when a scrape collects it (DeferredCounter, PlainHistogram): the hot path does a map
 * lookup and an add, not prom-client's label validation and hashing.
 */
export class BrokerRegistry implements BrokerMetrics {
  readonly registry = new Registry();
  private readonly requests: DeferredCounter<'listener' | 'api'>;
  private readonly errors: Counter<'listener' | 'api' | 'error'>;
  private readonly duration: PlainHistogram<'listener' | 'api'>;
  private readonly connections: Gauge<'listener'>;
  private readonly opened: Counter<'listener'>;
  private readonly received: DeferredCounter<'listener'>;
  private readonly sent: DeferredCounter<'listener'>;
  private readonly recordsProduced: DeferredCounter<'topic'>;
  private readonly bytesProduced: DeferredCounter<'topic'>;
  private readonly recordsFetched: DeferredCounter<'topic'>;
  private readonly bytesFetched: DeferredCounter<'topic'>;
  private readonly fsync: Histogram;
  private readonly children = new Map<string, { requests: CountSlot; duration: HistogramSeries }>();
  /** Made at a listener's first bytes, not before: a series appears in /metrics once it has counted. */
  private readonly receivedSlots: Partial<Record<ListenerName, CountSlot>> = {};
  private readonly sentSlots: Partial<Record<ListenerName, CountSlot>> = {};
  private readonly producedSlots = new Map<string, TopicSlots>();
  private readonly fetchedSlots = new Map<string, TopicSlots>();
  private readonly open: Record<ListenerName, number> = { native: 0, kafka: 0 };
  private readonly totals: TrafficTotals = { producedRecords: 0, producedBytes: 0, fetchedRecords: 0, fetchedBytes: 0 };
  private sources: MetricSources | null = null;
  private readonly newScrape: () => void;

  constructor(opts: BrokerRegistryOptions) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({ name: 'klog_build_info', help: 'Always 1; the labels say which klog and Node.js versions run', labelNames: ['version', 'node_version'], registers })
      .set({ version: opts.version, node_version: process.version }, 1);
    this.requests = new DeferredCounter({ name: 'klog_requests_total', help: 'Requests answered, by listener and API', labelNames: ['listener', 'api'], registers });
    this.errors = new Counter({ name: 'klog_request_errors_total', help: 'Requests answered with an error, by listener, API and klog error code', labelNames: ['listener', 'api', 'error'], registers });
    this.duration = new PlainHistogram(
      'klog_request_duration_seconds', 'Time from reading a request to its answer; a fetch includes its long-poll wait',
      DURATION_BUCKETS, this.registry,
    );
    this.connections = new Gauge({ name: 'klog_connections', help: 'Client connections open now, by listener', labelNames: ['listener'], registers });
    this.opened = new Counter({ name: 'klog_connections_opened_total', help: 'Client connections accepted, by listener', labelNames: ['listener'], registers });
    this.received = new DeferredCounter({ name: 'klog_network_received_bytes_total', help: 'Bytes read from client connections, by listener', labelNames: ['listener'], registers });
    this.sent = new DeferredCounter({ name: 'klog_network_sent_bytes_total', help: 'Bytes written to client connections, by listener', labelNames: ['listener'], registers });
    this.recordsProduced = new DeferredCounter({ name: 'klog_records_produced_total', help: 'Records appended, by topic', labelNames: ['topic'], registers });
    this.bytesProduced = new DeferredCounter({ name: 'klog_bytes_produced_total', help: 'Batch bytes appended, by topic', labelNames: ['topic'], registers });
    this.recordsFetched = new DeferredCounter({ name: 'klog_records_fetched_total', help: 'Records handed to fetches (whole batches), by topic', labelNames: ['topic'], registers });
    this.bytesFetched = new DeferredCounter({ name: 'klog_bytes_fetched_total', help: 'Batch bytes handed to fetches, by topic', labelNames: ['topic'], registers });
    this.fsync = new Histogram({ name: 'klog_fsync_duration_seconds', help: 'Duration of each fdatasync of a partition', buckets: DURATION_BUCKETS, registers });
    for (const listener of ['native', 'kafka'] as const) {
      this.connections.set({ listener }, 0);
      this.opened.inc({ listener }, 0);
    }
    const newGroupScrape = registerScrapeGauges(this.registry, () => this.sources, opts.perPartition);
    const newQueueScrape = registerQueueGauges(this.registry, () => this.sources);
    this.newScrape = () => {
      newGroupScrape();
      newQueueScrape();
    };
  }

  /** The store, coordinator and queues are open: the scrape-time gauges (sizes, disk, groups, queues) can read them. */
  attach(sources: MetricSources): void {
    this.sources = sources;
  }

  /** For the store's onFsync. */
  readonly observeFsync = (seconds: number): void => {
    this.fsync.observe(seconds);
  };

  openConnections(): Record<ListenerName, number> {
    return { ...this.open };
  }

  traffic(): TrafficTotals {
    return { ...this.totals };
  }

  async scrape(): Promise<{ contentType: string; body: string }> {
    this.newScrape();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  requestDone(listener: ListenerName, api: string, seconds: number, errorCode?: string): void {
    const key = `${listener} ${api}`;
    let child = this.children.get(key);
    if (!child) {
      const labels = { listener, api };
      child = { requests: this.requests.slot(key, labels), duration: this.duration.labelled(key, labels) };
      this.children.set(key, child);
    }
    child.requests.n++;
    child.duration.observe(seconds);
    if (errorCode !== undefined) this.errors.labels(listener, api, errorCode).inc();
  }

  connectionOpened(listener: ListenerName): void {
    this.open[listener]++;
    this.connections.labels(listener).inc();
    this.opened.labels(listener).inc();
  }

  connectionClosed(listener: ListenerName): void {
    this.open[listener]--;
    this.connections.labels(listener).dec();
  }

  bytesReceived(listener: ListenerName, bytes: number): void {
    (this.receivedSlots[listener] ??= this.received.slot(listener, { listener })).n += bytes;
  }

  bytesSent(listener: ListenerName, bytes: number): void {
    (this.sentSlots[listener] ??= this.sent.slot(listener, { listener })).n += bytes;
  }

  produced(topic: string, records: number, bytes: number): void {
    this.totals.producedRecords += records;
    this.totals.producedBytes += bytes;
    const slots = topicSlots(this.producedSlots, this.recordsProduced, this.bytesProduced, topic);
    slots.records.n += records;
    slots.bytes.n += bytes;
  }

  fetched(topic: string, records: number, bytes: number): void {
    this.totals.fetchedRecords += records;
    this.totals.fetchedBytes += bytes;
    const slots = topicSlots(this.fetchedSlots, this.recordsFetched, this.bytesFetched, topic);
    slots.records.n += records;
    slots.bytes.n += bytes;
  }
}

/** A topic's record and byte slots, made at its first count. */
function topicSlots(
  cache: Map<string, TopicSlots>, records: DeferredCounter<'topic'>, bytes: DeferredCounter<'topic'>, topic: string,
): TopicSlots {
  let slots = cache.get(topic);
  if (slots === undefined) {
    slots = { records: records.slot(topic, { topic }), bytes: bytes.slot(topic, { topic }) };
    cache.set(topic, slots);
  }
  return slots;
}

interface TopicSlots {
  records: CountSlot;
  bytes: CountSlot;
}
