import type { GroupCoordinator } from '@klog/consumer-group';
import type { LogStore, TopicConfig } from '@klog/log-core';
import type { BrokerTlsOptions } from '../tls/listener-tls.js';
import type { Logger } from 'pino';
import type { TrafficTotals } from '../services/broker-metrics.js';
import type { QueueHost } from '../services/queue-host.js';
import type { BrokerSecurity } from '../security/broker-security.js';

export interface HostPort {
  host: string;
  port: number;
}

/**
 * What the HTTP listener may use once the broker serves: the store, the coordinator, the queues and facts about the broker.
 * Like BrokerServices for the Kafka listener, it keeps src/http/ free of src/server/ and src/kafka/: start-broker
 * builds it; the listener never reaches further.
 */
export interface HttpServices {
  readonly store: LogStore;
  readonly coordinator: GroupCoordinator;
  readonly queues: QueueHost;
  /** Users, throttle and authorizer, shared with the other listeners. */
  readonly security: BrokerSecurity;
  readonly version: string;
  readonly startedAt: number;
  readonly dataDir: string;
  readonly topicDefaults: Partial<TopicConfig>;
  readonly listeners: { native: HostPort; kafka: HostPort | null };
  connections(): { native: number; kafka: number };
  traffic(): TrafficTotals;
  /** Counts records appended through the HTTP API, as the listeners count theirs. */
  produced(topic: string, records: number, bytes: number): void;
}

/** The listener's view of the broker through its life: services once it serves, metrics from the start. */
export interface HttpBackend {
  /** Null while the log is opening or recovering, or the listeners are not open yet, and again while stopping. */
  services(): HttpServices | null;
  scrape(): Promise<{ contentType: string; body: string }>;
}

export interface HttpListenerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Refuse every request that would change something (403 FORBIDDEN). */
  readOnly: boolean;
  /** The console's files, served at /. */
  staticRoot: string;
  logger: Logger;
  /** Accept Authorization: Basic without TLS (passwords then cross in the clear), like PLAIN on the Kafka listener. */
  allowBasicWithoutTls?: boolean;
  /** /metrics needs an authenticated user with describe on the cluster (once the broker has users). */
  metricsAuth?: boolean;
  /** Serve HTTPS with the broker's certificate (and require client certificates when it has a CA). */
  tls?: BrokerTlsOptions;
}
