import { readFileSync } from 'node:fs';
import type { ClientTlsOptions } from '@klog/client';
import { KlogError } from '@klog/log-core';

/** The global TLS flags of client commands (each also read from the environment: KLOG_TLS, KLOG_TLS_CA, …). */
export interface TlsArgs {
  tls?: boolean;
  'tls-ca'?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
}

/** Reads a PEM file named by a flag; a file that cannot be read is said in terms of that flag. */
export function readPemFile(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KlogError('INVALID_CONFIG', `${flag} ${path}: cannot read it (${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code ?? 'failed'}); give the path of a PEM file`);
  }
}

/**
 * The client's TLS settings from the flags, else the environment; undefined: plaintext. Naming a CA or a
 * certificate implies TLS, so `--tls-ca ca.pem` alone is enough.
 */
export function clientTls(args: TlsArgs, env: NodeJS.ProcessEnv): ClientTlsOptions | undefined {
  const ca = args['tls-ca'] || env.KLOG_TLS_CA;
  const cert = args['tls-cert'] || env.KLOG_TLS_CERT;
  const key = args['tls-key'] || env.KLOG_TLS_KEY;
  const on = args.tls === true || env.KLOG_TLS === '1' || env.KLOG_TLS === 'true' || Boolean(ca || cert || key);
  if (!on) return undefined;
  if (Boolean(cert) !== Boolean(key)) {
    throw new KlogError('INVALID_CONFIG', '--tls-cert and --tls-key go together: a client certificate needs its key (and the key its certificate)');
  }
  return {
    ca: ca ? readPemFile(ca, '--tls-ca') : undefined,
    cert: cert ? readPemFile(cert, '--tls-cert') : undefined,
    key: key ? readPemFile(key, '--tls-key') : undefined,
  };
}
