import type { GroupCoordinator } from '@klog/consumer-group';
import { KlogError, type LogStore } from '@klog/log-core';
import type { Logger } from 'pino';
import type { BrokerConfig } from './broker-config.js';
import type { ProducerIdAllocator } from './producer-ids.js';
import type { QueueHost } from '../services/queue-host.js';
import type { BrokerServices } from '../services/broker-services.js';
import { NO_METRICS, type BrokerMetrics } from '../services/broker-metrics.js';
import { isInternalTopic } from '../services/internal-topics.js';
import { BrokerSecurity } from '../security/broker-security.js';
import type { AclAuthorizer } from '../security/acl-authorizer.js';

export { isInternalTopic };

/** What every request handler may use: the store, the configuration and broker-wide services. */
export class BrokerContext implements BrokerServices {
  private readonly creating = new Map<string, Promise<void>>();
  /** Aborted when the broker shuts down, ending long-polls at once. */
  readonly shutdown = new AbortController();

  constructor(
    readonly store: LogStore,
    readonly config: BrokerConfig,
    readonly logger: Logger,
    readonly producerIds: ProducerIdAllocator,
    readonly coordinator: GroupCoordinator,
    readonly queues: QueueHost,
    readonly address: () => { host: string; port: number },
    readonly metrics: BrokerMetrics = NO_METRICS,
    /** Users and authentication; by default none (nobody needs to authenticate). */
    readonly security: BrokerSecurity = BrokerSecurity.open(),
  ) {}

  get authorizer(): AclAuthorizer {
    return this.security.authorizer;
  }

  topicsChanged(): void {
    this.coordinator.onTopicsChanged();
  }

  /**
   * Makes sure a topic exists, creating it with the default partition count when auto-creation is on. Concurrent
   * requests for the same new topic share one creation.
   */
  async ensureTopic(name: string, allowAutoCreate = true): Promise<void> {
    if (this.store.hasTopic(name)) return;
    if (!this.config.autoCreateTopics || !allowAutoCreate || isInternalTopic(name)) {
      throw new KlogError('UNKNOWN_TOPIC', `topic ${JSON.stringify(name)} does not exist (create it first, e.g. klog topic create ${name})`);
    }
    let pending = this.creating.get(name);
    if (!pending) {
      pending = this.store.createTopic(name, { partitions: this.config.defaultPartitions })
        .then(() => this.topicsChanged())
        .then(() => this.logger.info({ topic: name, partitions: this.config.defaultPartitions }, 'auto-created topic'))
        .finally(() => this.creating.delete(name));
      this.creating.set(name, pending);
    }
    await pending;
  }
}
