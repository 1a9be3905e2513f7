import type { Socket } from 'node:net';
import { connectionEvent, createListenerServer, type BrokerTlsOptions } from '../tls/listener-tls.js';
import type { BrokerServices } from '../services/broker-services.js';
import { KafkaConnection } from './kafka-connection.js';

export interface KafkaListenerOptions {
  /** Interface to listen on. */
  host: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Serve Kafka's SSL security protocol with this certificate; default plaintext. */
  tls?: BrokerTlsOptions;
}

export interface KafkaListener {
  readonly host: string;
  readonly port: number;
  /** Stops accepting, answers the requests in progress (within a grace period), closes every connection. */
  close(): Promise<void>;
}

/** Time given to requests in progress (long-polls end at once on shutdown; joins when the coordinator closes). */
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * Serves the Kafka wire protocol on its own port, over the broker's store and group coordinator: topics and
 * committed offsets are the same whichever protocol a client speaks.
 */
export async function startKafkaListener(ctx: BrokerServices, opts: KafkaListenerOptions): Promise<KafkaListener> {
  const server = createListenerServer(opts.tls, ctx.logger, 'kafka');
  const connections = new Set<KafkaConnection>();
  let port = opts.port;
  let nextId = 1;

  server.on(connectionEvent(opts.tls), (socket: Socket) => {
    if (connections.size >= ctx.config.maxConnections) {
      // The Kafka protocol has no way to say why before a request: the client sees a closed connection.
      ctx.logger.warn({ max: ctx.config.maxConnections }, 'refusing kafka connection: too many connections');
      socket.destroy();
      return;
    }
    const conn = new KafkaConnection(socket, ctx, nextId++, { host: advertisedHost(opts.host, socket), port });
    connections.add(conn);
    socket.on('close', () => connections.delete(conn));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  if (bound && typeof bound === 'object') port = bound.port;
  ctx.logger.info({ host: opts.host, port }, 'kafka listener listening');

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of connections) c.stopReading();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
      await Promise.race([Promise.all([...connections].map((c) => c.drained())), grace]);
      for (const c of connections) c.end();
      await Promise.race([stopped, grace]);
      for (const c of connections) c.destroy();
      await stopped;
    })();
    return closing;
  };
  return { host: opts.host, port, close };
}

/**
 * The host Metadata and FindCoordinator tell clients to connect to. Listening on every interface, the address
 * this client reached us on is the one known to work for it.
 */
function advertisedHost(listenHost: string, socket: Socket): string {
  if (listenHost !== '0.0.0.0' && listenHost !== '::' && listenHost !== '') return listenHost;
  const local = socket.localAddress ?? '127.0.0.1';
  return local.startsWith('::ffff:') ? local.slice('::ffff:'.length) : local;
}
