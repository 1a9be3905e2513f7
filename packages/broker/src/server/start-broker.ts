import type { Server, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { GroupCoordinator } from '@klog/consumer-group';
import { LogStore } from '@klog/log-core';
import { pino, type Logger } from 'pino';
import { encodeFrame } from '@klog/protocol';
import { BrokerContext } from './broker-context.js';
import { resolveBrokerConfig, type BrokerOptions } from './broker-config.js';
import { Connection } from './connection.js';
import { createNativeServer } from './native-server.js';
import { ProducerIdAllocator } from './producer-ids.js';
import { QueueHost } from '../services/queue-host.js';
import { BrokerSecurity } from '../security/broker-security.js';
import { UserStore } from '../security/user-store.js';
import { AclStore } from '../security/acl-store.js';
import { checkProtectedMode, isLoopback } from '../security/protected-mode.js';
import { startKafkaListener, type KafkaListener } from '../kafka/kafka-listener.js';
import { startHttpListener, type HttpListener } from '../http/http-listener.js';
import type { HttpServices } from '../http/http-services.js';
import { BrokerRegistry } from '../metrics/broker-registry.js';
import { brokerVersion } from '../version.js';

export interface Broker {
  readonly host: string;
  readonly port: number;
  readonly store: LogStore;
  /** Port of the Kafka-protocol listener, when `kafkaPort` was given. */
  readonly kafkaPort?: number;
  /** Port of the HTTP listener (console, API, metrics, health), when `httpPort` was given. */
  readonly httpPort?: number;
  /** Stops accepting, answers requests in flight, flushes and closes the store cleanly. Idempotent. */
  close(): Promise<void>;
}

/** Time given to requests in flight (e.g. long-polls, which end at once) before connections are cut. */
const SHUTDOWN_GRACE_MS = 5_000;
/** The web console's files (packages/broker/console), beside dist/ and src/. */
const CONSOLE_DIR = fileURLToPath(new URL('../../console', import.meta.url));

/** Starts a broker on dataDir, listening on host:port (127.0.0.1:7420 by default; port 0 picks a free one). */
export async function startBroker(opts: BrokerOptions): Promise<Broker> {
  const config = resolveBrokerConfig(opts);
  const logger: Logger = opts.logger ?? pino({ name: 'klog-broker', level: opts.logLevel ?? 'info' }, pino.destination(2));
  const ownStore = !opts.store;
  const startedAt = Date.now();
  // Protected mode is decided before any listener opens (the HTTP one opens first of all).
  checkProtectedMode([config.host, opts.kafkaHost ?? config.host, opts.httpHost ?? config.host], {
    hasUsers: UserStore.open(opts.store?.dir ?? config.dataDir).size > 0, allowAnonymous: opts.allowAnonymous ?? false, dataDir: config.dataDir,
  });
  const metrics = new BrokerRegistry({ version: brokerVersion(), perPartition: config.metricsPerPartition });
  // The HTTP listener comes first: while the log opens (recovery may take a while) /readyz says 503.
  let httpServices: HttpServices | null = null;
  const http: HttpListener | undefined = opts.httpPort === undefined ? undefined : await startHttpListener(
    { host: opts.httpHost ?? config.host, port: opts.httpPort, tls: opts.tls, readOnly: config.consoleReadOnly, staticRoot: opts.consoleDir ?? CONSOLE_DIR, logger,
      allowBasicWithoutTls: opts.httpAllowBasicWithoutTls, metricsAuth: opts.metricsAuth },
    { services: () => httpServices, scrape: () => metrics.scrape() },
  );
  const store = opts.store ?? (await LogStore.open(config.dataDir, {
    fsync: config.fsync, logger, defaults: config.topicDefaults, onFsync: metrics.observeFsync,
    compactionBytesPerSecond: opts.compaction?.bytesPerSecond, compactionKeyMapBytes: opts.compaction?.keyMapBytes,
  })
    .catch(async (err: unknown) => {
      await http?.close();
      throw err;
    }));
  let coordinator: GroupCoordinator;
  let queues: QueueHost;
  let producerIds: ProducerIdAllocator;
  let security: BrokerSecurity;
  try {
    coordinator = await GroupCoordinator.open(store, { logger });
  } catch (err) {
    await http?.close();
    if (ownStore) await store.close();
    throw err;
  }
  try {
    producerIds = new ProducerIdAllocator(store.dir); // refuses a damaged producer-ids.json
    // Refuses a damaged users.json or acls.json.
    security = new BrokerSecurity(UserStore.open(store.dir), AclStore.open(store.dir), { superUsers: opts.superUsers, always: opts.authorize });
    queues = await QueueHost.open(store, { sessionTimeoutMs: config.queueSessionTimeoutMs, logger });
  } catch (err) {
    await coordinator.close();
    await http?.close();
    if (ownStore) await store.close();
    throw err;
  }
  let address = { host: config.host, port: config.port };
  const ctx = new BrokerContext(store, config, logger, producerIds, coordinator, queues, () => address, metrics, security);
  const connections = new Set<Connection>();
  let nextId = 1;

  const server = createNativeServer(opts.tls, logger, (socket: Socket) => {
    if (connections.size >= config.maxConnections) {
      logger.warn({ max: config.maxConnections }, 'refusing connection: too many connections');
      socket.end(encodeFrame({ correlationId: -1, errorCode: 'TOO_MANY_CONNECTIONS',
        errorMessage: `the broker accepts at most ${config.maxConnections} connections` }));
      return;
    }
    // Protected mode holds at run time too: should the last user be removed, strangers are turned away again.
    if (!opts.allowAnonymous && security.users.size === 0 && !isLoopback(socket.remoteAddress ?? '')) {
      logger.warn({ remote: socket.remoteAddress }, 'refusing connection: no users, so only loopback clients are served (protected mode)');
      socket.destroy();
      return;
    }
    const conn = new Connection(socket, ctx, nextId++);
    connections.add(conn);
    socket.on('close', () => connections.delete(conn));
  });

  try {
    await listen(server, config.host, config.port);
  } catch (err) {
    await http?.close();
    await coordinator.close();
    if (ownStore) await store.close();
    throw err;
  }
  const bound = server.address();
  if (bound && typeof bound === 'object') address = { host: config.host, port: bound.port };
  // Kafka-protocol listener: same store and coordinator, its own port.
  let kafka: KafkaListener | undefined;
  if (opts.kafkaPort !== undefined) {
    try {
      kafka = await startKafkaListener(ctx, {
        host: opts.kafkaHost ?? config.host, port: opts.kafkaPort, tls: opts.tls, allowPlainWithoutTls: opts.kafkaAllowPlainWithoutTls,
      });
    } catch (err) {
      server.close();
      await http?.close();
      await queues.close();
      await coordinator.close();
      if (ownStore) await store.close();
      throw err;
    }
  }
  metrics.attach({ store, coordinator, queues, dataDir: store.dir });
  httpServices = {
    store,
    coordinator,
    queues,
    security,
    version: brokerVersion(),
    startedAt,
    dataDir: store.dir,
    topicDefaults: config.topicDefaults,
    listeners: { native: address, kafka: kafka ? { host: kafka.host, port: kafka.port } : null },
    connections: () => metrics.openConnections(),
    traffic: () => metrics.traffic(),
    produced: (topic, records, bytes) => metrics.produced(topic, records, bytes),
  };
  const consoleUrl = http ? `${opts.tls ? 'https' : 'http'}://${browsableHost(http.host)}:${http.port}/` : undefined;
  logger.info({ host: address.host, port: address.port, kafkaPort: kafka?.port, console: consoleUrl, dataDir: store.dir, fsync: config.fsync,
    tls: opts.tls ? (opts.tls.ca ? 'client certificates required' : 'on') : 'off',
    authentication: security.users.size > 0 ? `SCRAM, ${security.users.size} user(s)` : 'off (no users)' }, 'broker listening');
  // The console's login form sends a password: in the clear unless the listener has TLS. Loopback stays on the machine.
  if (security.users.size > 0 && http && !opts.tls && !isLoopback(http.host)) {
    logger.warn({ httpPort: http.port }, 'the HTTP listener has no TLS: console passwords and session cookies cross the network in the clear (--tls-cert)');
  }
  if (kafka && opts.kafkaAllowPlainWithoutTls && !opts.tls) {
    logger.warn({ kafkaPort: kafka.port }, 'SASL PLAIN is allowed on the plaintext Kafka listener: passwords cross the network in the clear');
  }

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      logger.info('broker shutting down');
      httpServices = null; // /readyz answers 503 from now on
      const httpClosed = http?.close();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      ctx.shutdown.abort();
      const kafkaClosed = kafka?.close();
      for (const c of connections) c.stopReading();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
      await Promise.race([Promise.all([...connections].map((c) => c.drained())), grace]);
      for (const c of connections) c.end();
      await queues.close();
      await coordinator.close();
      await kafkaClosed;
      await httpClosed;
      if (ownStore) await store.close();
      await Promise.race([stopped, grace]);
      for (const c of connections) c.destroy();
      await stopped;
      logger.info('broker stopped cleanly');
    })();
    return closing;
  };

  return { host: address.host, port: address.port, kafkaPort: kafka?.port, httpPort: http?.port, store, close };
}

/** A wildcard address is not one a browser can open: the loopback one reaches the same listener. */
function browsableHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
