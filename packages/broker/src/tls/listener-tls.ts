import { createServer as createPlainServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, TLSSocket, type TlsOptions } from 'node:tls';
import type { Logger } from 'pino';

/** The broker's certificate and key (PEM), and, to require client certificates (mTLS), the CA that signs them. */
export interface BrokerTlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
  /** With a CA, every client must present a certificate it signed; the certificate's subject CN is the principal. */
  ca?: string | Buffer;
}

/** The first byte of a TLS handshake record (a ClientHello starts with it); no native frame length starts so. */
export const TLS_HANDSHAKE_BYTE = 0x16;

/** Node's TLS server options for every listener (native, Kafka, HTTP): one certificate, one client-certificate rule. */
export function serverTlsOptions(tls: BrokerTlsOptions): TlsOptions {
  const mutual = tls.ca !== undefined;
  return { cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: mutual, rejectUnauthorized: mutual, minVersion: 'TLSv1.2' };
}

/**
 * Logs a connection that failed its TLS handshake. Without this line a plaintext client on a TLS port, or a
 * client whose certificate the CA did not sign, leaves no trace on the broker.
 */
export function logHandshakeFailures(server: Server, logger: Logger, listener: string): void {
  // A socket that failed its handshake is already destroyed and has forgotten its peer: note it on arrival.
  const peers = new WeakMap<Socket, string>();
  server.on('connection', (raw: Socket) => peers.set(raw, `${raw.remoteAddress}:${raw.remotePort}`));
  server.on('tlsClientError', (err: Error & { code?: string }, socket: Socket & { _parent?: Socket }) => {
    logger.warn({ listener, remote: peers.get(socket._parent ?? socket) ?? peers.get(socket), reason: err.code ?? err.message },
      `${listener} connection failed its TLS handshake (a plaintext client on a TLS port, or a client certificate not signed by --tls-ca?)`);
  });
}

/**
 * A server for a listener that speaks TLS when `tls` is given, plaintext otherwise; the sockets it accepts come
 * with the event `connectionEvent(tls)` names, already decrypted.
 */
export function createListenerServer(tls: BrokerTlsOptions | undefined, logger: Logger, listener: string): Server {
  if (!tls) return createPlainServer();
  const server = createTlsServer(serverTlsOptions(tls));
  logHandshakeFailures(server, logger, listener);
  return server;
}

/** A TLS server hands out a socket once its handshake is done ('secureConnection'), a plain one at once. */
export function connectionEvent(tls: BrokerTlsOptions | undefined): 'connection' | 'secureConnection' {
  return tls ? 'secureConnection' : 'connection';
}

/**
 * Who the peer is by its certificate: the subject CN of a client certificate the CA verified (mTLS), else null.
 * Kept on the connection for access control.
 */
export function certificatePrincipal(socket: Socket): string | null {
  if (!(socket instanceof TLSSocket) || !socket.authorized) return null;
  const cn = socket.getPeerCertificate().subject?.CN;
  return typeof cn === 'string' && cn !== '' ? cn : null;
}
