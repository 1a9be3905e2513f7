import type { FsyncPolicy, LogStore, TopicConfig } from '@klog/log-core';
import { API_VERSIONS, type ApiVersionTable } from '@klog/protocol';
import type { Logger } from 'pino';
import type { BrokerTlsOptions } from '../tls/listener-tls.js';

export interface BrokerOptions {
  /** Directory the broker owns (one broker per directory; a lock file enforces it). */
  dataDir: string;
  /** Interface to listen on. Default 127.0.0.1: reachable from this machine only, unless told otherwise. */
  host?: string;
  /** TCP port; 0 picks a free one. Default 7420. */
  port?: number;
  /** The store's fsync policy (see @klog/log-core). Default 'never'. */
  fsync?: FsyncPolicy;
  /** Create a topic on first produce or metadata request that names it. Default true. */
  autoCreateTopics?: boolean;
  /** Partitions of auto-created topics (and of createTopics without a count). Default 1. */
  defaultPartitions?: number;
  /** Defaults for topics created without a setting. */
  topicDefaults?: Partial<TopicConfig>;
  /**
   * The log cleaner of compacted topics (see @klog/log-core): bytes of log it may read per second (default 64 MiB;
   * it shares the event loop, so this bounds what it takes from appends) and the memory of one pass's key map
   * (default 64 MiB; a topic with more distinct keys is cleaned in several passes).
   */
  compaction?: { bytesPerSecond?: number; keyMapBytes?: number };
  /** Largest request frame accepted; larger ones close the connection. Default 64 MiB. */
  maxFrameBytes?: number;
  /** Connections beyond this are refused with TOO_MANY_CONNECTIONS. Default 10,000. */
  maxConnections?: number;
  /** Response bytes queued on one socket before the broker stops reading its requests. Default 32 MiB. */
  maxBufferedBytesPerConnection?: number;
  /** Requests in progress on one connection before the broker stops reading more. Default 256. */
  maxInFlightPerConnection?: number;
  /** pino logger; default: JSON to stderr at `logLevel`. */
  logger?: Logger;
  logLevel?: string;
  /** Use this store instead of opening dataDir (embedding a broker next to in-process use). */
  store?: LogStore;
  /** Also serve the Kafka wire protocol on this port (0 picks a free one). Default: no Kafka listener. */
  kafkaPort?: number;
  /** Interface of the Kafka listener. Default: `host`. */
  kafkaHost?: string;
  /**
   * Let Kafka clients authenticate with SASL PLAIN on a plaintext listener (the password crosses the network in
   * the clear). Default false: PLAIN only over TLS; SCRAM is offered either way.
   */
  kafkaAllowPlainWithoutTls?: boolean;
  /**
   * The native APIs and versions to speak, within what this broker implements (default: all of it). A narrower
   * table makes the broker answer as an older one would, e.g. to test clients against it.
   */
  apiVersions?: ApiVersionTable;
  /**
   * Serve HTTP on this port (0 picks a free one): the console, its JSON API, /metrics, /livez and /readyz.
   * Default: no HTTP listener.
   */
  httpPort?: number;
  /** Interface of the HTTP listener. Default: `host` (loopback unless told otherwise). */
  httpHost?: string;
  /**
   * Accept `Authorization: Basic` on a plain-HTTP listener (the password crosses the network in the clear with
   * every request). Default false: Basic only over HTTPS; the console's login form works either way.
   */
  httpAllowBasicWithoutTls?: boolean;
  /**
   * Once the broker has users, /metrics needs an authenticated user (session or Basic) with describe on the
   * cluster. Default false: /metrics stays open, as /livez and /readyz do.
   */
  metricsAuth?: boolean;
  /** Refuse every change through the HTTP API (produce, offset resets) with 403. Default false. */
  consoleReadOnly?: boolean;
  /** Directory of the web console's files served at /. Default: the console shipped in this package. */
  consoleDir?: string;
  /**
   * A queue member that neither fetches nor acknowledges for this long leaves, and its records are available
   * again (Kafka's share-group session timeout). Default 45 s.
   */
  queueSessionTimeoutMs?: number;
  /**
   * Serve non-loopback interfaces with no users defined (nobody authenticates, nobody is authorized). Default
   * false: protected mode, where a broker without users refuses to listen beyond 127.0.0.1 and ::1.
   */
  allowAnonymous?: boolean;
  /** Users every ACL check lets through (by name or User:NAME): the operator's. */
  superUsers?: readonly string[];
  /** Enforce ACLs even with no users (principals from client certificates). Default: on exactly when the broker has users. */
  authorize?: boolean;
  /** Also export per-partition metric series (offsets, lag per partition). Default false: one series per topic or group. */
  metricsPerPartition?: boolean;
  /**
   * Serve every listener (native, Kafka, HTTP) over TLS with this certificate and key (PEM). With `ca`, clients
   * must present a certificate it signed (mTLS). Default: plaintext.
   */
  tls?: BrokerTlsOptions;
}

export type BrokerConfig = Required<Omit<BrokerOptions, 'logger' | 'store' | 'topicDefaults' | 'compaction' | 'fsync' | 'logLevel' | 'kafkaPort' | 'kafkaHost' | 'kafkaAllowPlainWithoutTls' | 'httpAllowBasicWithoutTls' | 'metricsAuth' | 'httpPort' | 'httpHost' | 'consoleDir' | 'tls' | 'allowAnonymous' | 'superUsers' | 'authorize'>> & {
  topicDefaults: Partial<TopicConfig>;
  fsync: FsyncPolicy;
};

export function resolveBrokerConfig(opts: BrokerOptions): BrokerConfig {
  return {
    dataDir: opts.dataDir,
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 7420,
    fsync: opts.fsync ?? 'never',
    autoCreateTopics: opts.autoCreateTopics ?? true,
    defaultPartitions: opts.defaultPartitions ?? 1,
    topicDefaults: opts.topicDefaults ?? {},
    maxFrameBytes: opts.maxFrameBytes ?? 64 * 1024 * 1024,
    maxConnections: opts.maxConnections ?? 10_000,
    maxBufferedBytesPerConnection: opts.maxBufferedBytesPerConnection ?? 32 * 1024 * 1024,
    maxInFlightPerConnection: opts.maxInFlightPerConnection ?? 256,
    apiVersions: opts.apiVersions ?? API_VERSIONS,
    consoleReadOnly: opts.consoleReadOnly ?? false,
    metricsPerPartition: opts.metricsPerPartition ?? false,
    queueSessionTimeoutMs: opts.queueSessionTimeoutMs ?? 45_000,
  };
}
