import { isIP } from 'node:net';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { KlogError } from '@klog/log-core';

/** How the client speaks TLS to the broker; `tls: true` is all defaults (system CAs, no client certificate). */
export interface ClientTlsOptions {
  /** CA certificate(s) (PEM) that signed the broker's certificate; default: the system's trusted CAs. */
  ca?: string | Buffer;
  /** A client certificate and key (PEM), for a broker that requires them (mTLS). */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Name the broker's certificate must carry; default: the host of the broker address (when it is a name). */
  servername?: string;
  /** Refuse a broker whose certificate does not verify. Default true; false is for tests only. */
  rejectUnauthorized?: boolean;
}

/** Node's options for one TLS connection to host:port. */
export function tlsConnectOptions(tls: ClientTlsOptions, host: string, port: number): TlsConnectionOptions {
  // SNI takes names only; an address is checked against the certificate's IP entries without it.
  const servername = tls.servername ?? (isIP(host) ? undefined : host);
  return {
    host, port, servername, ca: tls.ca, cert: tls.cert, key: tls.key,
    rejectUnauthorized: tls.rejectUnauthorized ?? true, minVersion: 'TLSv1.2',
  };
}

/** OpenSSL's codes for a peer that answered the ClientHello with something that is not TLS. */
const NOT_TLS_CODES = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG']);
/** Node's code for a certificate that is valid but names another host. */
const WRONG_NAME_CODES = new Set(['ERR_TLS_CERT_ALTNAME_INVALID']);

/** Error codes Node and OpenSSL give certificate checks. */
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_SIGNATURE_FAILURE',
]);

/**
 * Turns a failure during or right after a TLS handshake into TLS_HANDSHAKE_FAILED with what to do about it, or
 * null for an ordinary network failure (refused, unreachable), which stays a connection error.
 */
export function tlsFailure(err: NodeJS.ErrnoException, address: string): KlogError | null {
  const code = err.code ?? '';
  const why = (text: string) => new KlogError('TLS_HANDSHAKE_FAILED', `TLS with broker ${address} failed: ${text}`, { cause: err });
  if (NOT_TLS_CODES.has(code)) {
    return why('the port does not speak TLS; connect without --tls, or start the broker with --tls-cert and --tls-key');
  }
  if (WRONG_NAME_CODES.has(code)) {
    return why(`the broker's certificate is not for this address (${err.message}); connect by a name or address it carries, or set tls.servername`);
  }
  if (CERTIFICATE_CODES.has(code)) {
    return why(`the broker's certificate was not accepted (${err.message}); give the CA that signed it with --tls-ca (tls.ca)`);
  }
  if (/CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN/.test(code)) {
    return why(`the broker refused this client's certificate (${code}); it requires one signed by its --tls-ca: give it with --tls-cert and --tls-key`);
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return why(`${err.message.trim()} (${code})`);
  if (code === 'ECONNRESET' || /before secure TLS connection/.test(err.message)) {
    return why('the broker closed the connection during the handshake; is the port a TLS one, and does the broker accept this client\'s certificate?');
  }
  return null;
}
