import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { CONNECTION_CORRELATION_ID, encodeErrorResponse } from '@klog/protocol';
import type { Logger } from 'pino';
import { logHandshakeFailures, serverTlsOptions, TLS_HANDSHAKE_BYTE, type BrokerTlsOptions } from '../tls/listener-tls.js';

/**
 * The native listener's server. With TLS it still accepts plain TCP and looks at the first byte a client sends:
 * a TLS handshake goes on to the TLS server; anything else is a plaintext klog client, which gets a native error
 * frame saying to connect with TLS — an answer its client can show, rather than a connection closed without a word.
 */
export function createNativeServer(tls: BrokerTlsOptions | undefined, logger: Logger, onSocket: (socket: Socket) => void): Server {
  const server = createServer();
  if (!tls) {
    server.on('connection', onSocket);
    return server;
  }
  // Never listens: it only runs the handshake on sockets handed to it.
  const secure = createTlsServer(serverTlsOptions(tls));
  logHandshakeFailures(secure, logger, 'native');
  secure.on('secureConnection', onSocket);
  server.on('connection', (raw: Socket) => {
    raw.on('error', () => undefined); // a peer gone before its first byte: nothing to tell anyone
    raw.once('data', (first: Buffer) => {
      raw.pause();
      if (first[0] === TLS_HANDSHAKE_BYTE) {
        // The TLS socket reads what the raw one already holds before reading on.
        raw.unshift(first);
        secure.emit('connection', raw);
        return;
      }
      logger.warn({ remote: `${raw.remoteAddress}:${raw.remotePort}` }, 'refusing a plaintext connection on the TLS native port: the client must connect with TLS');
      raw.end(encodeErrorResponse(CONNECTION_CORRELATION_ID, { errorCode: 'TLS_REQUIRED',
        errorMessage: 'this broker port speaks TLS only: connect with --tls (KLOG_TLS=1), or createClient({ tls: true })' }));
      setTimeout(() => raw.destroy(), 5_000).unref();
    });
  });
  return server;
}
