/** The listener a request or connection came on: a bounded label value. */
export type ListenerName = 'native' | 'kafka';

/**
 * What the listeners report as they work. The broker's Prometheus registry (src/metrics) implements it; the
 * listeners get it through BrokerServices, so the code that does the work needs no metrics library and tests of
 * a handler can pass NO_METRICS. Every method is cheap: the hot path calls them per request and per batch, never
 * per record.
 */
export interface BrokerMetrics {
  /** One request answered (errorCode: the KlogError code it failed with, if it did). */
  requestDone(listener: ListenerName, api: string, seconds: number, errorCode?: string): void;
  connectionOpened(listener: ListenerName): void;
  connectionClosed(listener: ListenerName): void;
  bytesReceived(listener: ListenerName, bytes: number): void;
  bytesSent(listener: ListenerName, bytes: number): void;
  /** Batches appended to a topic (whichever listener or the HTTP API appended them). */
  produced(topic: string, records: number, bytes: number): void;
  /** Batches handed to a fetch. */
  fetched(topic: string, records: number, bytes: number): void;
}

/** Cumulative traffic since the broker started (the console turns it into rates). */
export interface TrafficTotals {
  producedRecords: number;
  producedBytes: number;
  fetchedRecords: number;
  fetchedBytes: number;
}

export const NO_METRICS: BrokerMetrics = {
  requestDone() {},
  connectionOpened() {},
  connectionClosed() {},
  bytesReceived() {},
  bytesSent() {},
  produced() {},
  fetched() {},
};
