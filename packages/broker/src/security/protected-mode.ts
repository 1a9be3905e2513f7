import { isIP } from 'node:net';
import { KlogError } from '@klog/log-core';

/** Does this address (a listen host or a peer's address) stay on this machine? */
export function isLoopback(address: string): boolean {
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (a === 'localhost' || a === '::1') return true;
  return isIP(a) === 4 && a.startsWith('127.');
}

/**
 * Protected mode (after Redis's): a broker with no users lets anyone who reaches it read and write everything,
 * so it listens on loopback only unless the operator says --allow-anonymous. Checked before any listener opens:
 * a refused broker never accepts a single connection.
 */
export function checkProtectedMode(hosts: readonly string[], opts: { hasUsers: boolean; allowAnonymous: boolean; dataDir: string }): void {
  if (opts.hasUsers || opts.allowAnonymous) return;
  const open = hosts.filter((h) => !isLoopback(h));
  if (open.length === 0) return;
  throw new KlogError('INVALID_CONFIG',
    `refusing to listen on ${[...new Set(open)].join(', ')}: the broker has no users, so anyone who reaches it could read and write everything `
    + `(protected mode). Add a user first (klog user add NAME --data-dir ${opts.dataDir}), listen on 127.0.0.1, `
    + 'or pass --allow-anonymous to serve everyone on purpose');
}
