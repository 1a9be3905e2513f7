import type { GroupCoordinator } from '@klog/consumer-group';
import type { LogStore } from '@klog/log-core';
import type { QueueHost } from '../services/queue-host.js';

/** What the scrape-time gauges read: known only once the store, the coordinator and the queues are open. */
export interface MetricSources {
  readonly store: LogStore;
  readonly coordinator: GroupCoordinator;
  readonly queues: QueueHost;
  readonly dataDir: string;
}
