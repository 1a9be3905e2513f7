import type { GroupCoordinator } from '@klog/consumer-group';
import type { LogStore } from '@klog/log-core';

/** What the scrape-time gauges read: known only once the store and the coordinator are open. */
export interface MetricSources {
  readonly store: LogStore;
  readonly coordinator: GroupCoordinator;
  readonly dataDir: string;
}
