import type { GroupCoordinator } from '@klog/consumer-group';
import type { LogStore, TopicConfig } from '@klog/log-core';
import type { Logger } from 'pino';
import type { BrokerSecurity } from '../security/broker-security.js';
import type { BrokerMetrics } from './broker-metrics.js';
import type { ProducerIdSource } from './producer-ids.js';
import type { AclAuthorizer } from '../security/acl-authorizer.js';

/**
 * What the broker's listeners share: the store, the group coordinator and the broker-wide settings. The native
 * server (src/server) and the Kafka listener (src/kafka) both receive it; neither imports the other's code, so
 * either can change without the other (the server's BrokerContext is the one implementation).
 */
export interface BrokerServices {
  readonly store: LogStore;
  readonly coordinator: GroupCoordinator;
  readonly logger: Logger;
  readonly config: {
    readonly defaultPartitions: number;
    readonly topicDefaults: Partial<TopicConfig>;
    readonly maxFrameBytes: number;
    readonly maxConnections: number;
    readonly maxInFlightPerConnection: number;
    readonly maxBufferedBytesPerConnection: number;
  };
  /** Idempotent producers' ids: the one allocator both listeners draw from. */
  readonly producerIds: ProducerIdSource;
  /** The users and the throttle on failed logins: both listeners authenticate against the same ones. */
  readonly security: BrokerSecurity;
  /** Where the listeners report requests, connections and traffic (the broker's metrics). */
  readonly metrics: BrokerMetrics;
  /** Aborted when the broker shuts down, ending long-polls at once. */
  readonly shutdown: AbortController;
  /** Makes sure a topic exists, auto-creating it where the broker allows (UNKNOWN_TOPIC otherwise). */
  ensureTopic(name: string, allowAutoCreate?: boolean): Promise<void>;
  /** Decides what each principal may do (ACLs); lets everything through while the broker has no users. */
  readonly authorizer: AclAuthorizer;
  /** Tells the coordinator that topics were created or deleted (pattern subscriptions, deleted partitions). */
  topicsChanged(): void;
}
