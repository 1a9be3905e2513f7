import { Counter, Gauge, type Registry } from 'prom-client';
import { summarizeQueues, type QueueSummary } from '../services/queue-summary.js';
import type { MetricSources } from './metric-sources.js';

/**
 * The queue families, computed when Prometheus scrapes, one series per queue. The counters mirror counts the
 * queue core keeps since it loaded the queue, so they are reset to them at each scrape. Call the returned
 * function before each scrape: one scrape summarizes every queue once, however many families show them.
 */
export function registerQueueGauges(registry: Registry, sources: () => MetricSources | null): () => void {
  const registers = [registry];
  let snapshot: Promise<QueueSummary[]> | null = null;
  const summaries = (s: MetricSources): Promise<QueueSummary[]> => (snapshot ??= summarizeQueues(s.queues));

  const perQueue = (name: string, help: string, value: (q: QueueSummary) => number, type: 'gauge' | 'counter' = 'gauge'): void => {
    const collect = async function (this: Gauge<'queue'> | Counter<'queue'>): Promise<void> {
      this.reset();
      const s = sources();
      if (!s) return;
      for (const q of await summaries(s)) this.inc({ queue: q.name }, value(q));
    };
    if (type === 'gauge') new Gauge({ name, help, labelNames: ['queue'], registers, collect });
    else new Counter({ name, help, labelNames: ['queue'], registers, collect });
  };
  perQueue('klog_queue_ready_records', 'Records of each queue available for delivery now', (q) => q.ready);
  perQueue('klog_queue_delayed_records', 'Records of each queue available later (released with a delay, or a deliver-at time)', (q) => q.delayed);
  perQueue('klog_queue_in_flight_records', 'Records of each queue locked to a member', (q) => q.inFlight);
  perQueue('klog_queue_archived_records', 'Records of each queue archived as dead (rejected, or out of deliveries)', (q) => q.dead);
  perQueue('klog_queue_oldest_ready_age_seconds', 'How long the oldest ready record of each queue has waited', (q) => q.oldestReadyAgeMs / 1000);
  perQueue('klog_queue_members', 'Members of each queue', (q) => q.members);
  perQueue('klog_queue_redelivered_records_total', 'Deliveries past a record\'s first, since the broker loaded the queue', (q) => q.redelivered, 'counter');
  perQueue('klog_queue_dead_lettered_records_total', 'Dead letters written, since the broker loaded the queue', (q) => q.deadLettered, 'counter');
  return () => {
    snapshot = null;
  };
}
