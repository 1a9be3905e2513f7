import { defaultLogger, KlogError, type Logger } from '@klog/log-core';
import { Admin } from './admin.js';
import { BrokerConnection, parseAddress, type ConnectionOptions } from './broker-connection.js';
import { Consumer, type ConsumerOptions } from './consumer.js';
import { GroupConsumer, type GroupConsumerOptions } from './group-consumer.js';
import { MetadataCache } from './metadata-cache.js';
import { Producer, type ProducerOptions } from './producer.js';
import { Queue, type QueueOptions } from './queue.js';
import type { SaslOptions } from './sasl-login.js';
import type { ClientTlsOptions } from './tls-settings.js';

export interface ClientOptions {
  /** host:port of the broker(s). Default ['127.0.0.1:7420']. */
  brokers?: string[];
  clientId?: string;
  connectTimeoutMs?: number;
  /** How long a request may go unanswered (fetches add their long-poll wait). Default 30 s. */
  requestTimeoutMs?: number;
  maxFrameBytes?: number;
  /**
   * Where producers and consumers report what they retry (warnings) and other events: any object with
   * debug/info/warn/error(obj, msg), such as a pino logger. Default: warnings and errors to stderr, as JSON lines.
   */
  logger?: Logger;
  /** Speak TLS to the broker: true for the system's CAs, or the CA, client certificate and checks to use. Default: plaintext. */
  tls?: boolean | ClientTlsOptions;
  /**
   * Authenticate as a user of the broker (SCRAM, RFC 5802) on every connection: { mechanism: 'scram-sha-256',
   * username, password }. Needed once the broker has users. Use it with TLS: SCRAM keeps the password off the
   * wire, but not the records that follow.
   */
  sasl?: SaslOptions;
}

/**
 * Entry point of the client: producers, consumers and admin share these settings. Each producer and consumer
 * gets a connection of its own, so a consumer's long-poll never delays a producer's answer.
 */
export class Client {
  private readonly connections = new Set<BrokerConnection>();
  private readonly adminConn: BrokerConnection;
  private readonly connOpts: ConnectionOptions;
  readonly logger: Logger;

  constructor(opts: ClientOptions = {}) {
    const brokers = opts.brokers ?? ['127.0.0.1:7420'];
    if (!Array.isArray(brokers) || brokers.length === 0) throw new KlogError('INVALID_CONFIG', 'brokers must list at least one host:port');
    brokers.forEach(parseAddress);
    this.logger = opts.logger ?? defaultLogger();
    this.connOpts = {
      brokers,
      clientId: opts.clientId ?? 'klog-client',
      connectTimeoutMs: opts.connectTimeoutMs ?? 5_000,
      requestTimeoutMs: opts.requestTimeoutMs ?? 30_000,
      maxFrameBytes: opts.maxFrameBytes ?? 256 * 1024 * 1024,
      tls: opts.tls === true ? {} : opts.tls || undefined,
      sasl: opts.sasl,
    };
    this.adminConn = this.connection();
  }

  get clientId(): string {
    return this.connOpts.clientId;
  }

  /** A new connection owned by this client (closed with it). */
  connection(): BrokerConnection {
    const conn = new BrokerConnection(this.connOpts);
    this.connections.add(conn);
    return conn;
  }

  producer(opts: ProducerOptions = {}): Producer {
    const conn = this.connection();
    return new Producer(conn, new MetadataCache(conn, opts.metadataMaxAgeMs), { logger: this.logger, ...opts });
  }

  /** With a groupId: a group member (subscribe, run, commit). Without: a consumer of partitions you assign. */
  consumer(opts: GroupConsumerOptions): GroupConsumer;
  consumer(opts?: ConsumerOptions): Consumer;
  consumer(opts: ConsumerOptions | GroupConsumerOptions = {}): Consumer | GroupConsumer {
    if ('groupId' in opts && opts.groupId !== undefined) {
      return new GroupConsumer(this.connection(), this.connection(), { clientId: this.clientId, logger: this.logger, ...opts });
    }
    return new Consumer(this.connection(), { logger: this.logger, ...opts });
  }

  /**
   * A member of a broker-hosted queue. With `topics`, the queue is created on first use (or given these
   * settings); without, it must exist. Each call is a member of its own.
   */
  queue(opts: QueueOptions): Queue {
    return new Queue(this.connection(), this.connection(), { logger: this.logger, ...opts }, this.clientId);
  }

  admin(): Admin {
    return new Admin(this.adminConn);
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.close();
    this.connections.clear();
  }
}

export function createClient(opts: ClientOptions = {}): Client {
  return new Client(opts);
}
