import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';
import { KlogError } from '@klog/log-core';

/** Names a browser on this machine uses for a loopback listener. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/**
 * The defences of a listener that a browser can reach: DNS rebinding (a foreign page whose name resolves to
 * 127.0.0.1 sends its own name as Host, so only names of this listener are served), cross-site request
 * forgery (a change needs a header that a form or a simple cross-site request cannot carry, and a foreign
 * Origin is refused), and read-only mode.
 */
export class RequestGuard {
  private readonly hosts: Set<string>;

  constructor(listenHost: string, private readonly port: number, private readonly readOnly: boolean,
    private readonly scheme: 'http' | 'https' = 'http') {
    const names = new Set(LOOPBACK_NAMES);
    if (WILDCARDS.has(listenHost)) {
      // Bound to every interface: the machine's own addresses name it too (no other name does).
      for (const addrs of Object.values(networkInterfaces())) {
        for (const a of addrs ?? []) names.add(a.family === 'IPv6' ? `[${a.address}]` : a.address);
      }
    } else {
      names.add(listenHost.includes(':') ? `[${listenHost}]` : listenHost);
    }
    this.hosts = names;
  }

  /** Throws FORBIDDEN for a request this listener must not serve. Logging in and out is no change to the broker: read-only mode allows it. */
  check(req: IncomingMessage, opts: { sessionRoute?: boolean } = {}): void {
    const host = req.headers.host;
    if (host === undefined || !this.isOwnHost(host)) {
      throw new KlogError('FORBIDDEN', `Host ${JSON.stringify(host ?? '')} is not this listener; open the console at ${this.scheme}://127.0.0.1:${this.port}/`);
    }
    if (req.method === 'GET' || req.method === 'HEAD') return;
    if (this.readOnly && opts.sessionRoute !== true) throw new KlogError('FORBIDDEN', 'the console is read-only (--console-read-only): changes are refused');
    if (req.headers['x-klog-console'] !== '1') {
      throw new KlogError('FORBIDDEN', 'a change needs the header X-Klog-Console: 1 (the console sends it; it keeps other sites\' forms out)');
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `${this.scheme}://${host}`) {
      throw new KlogError('FORBIDDEN', `Origin ${JSON.stringify(origin)} is not the console's own (${this.scheme}://${host}); changes come only from the console`);
    }
  }

  private isOwnHost(host: string): boolean {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host.toLowerCase());
    if (!m) return false;
    if (m[2] !== undefined && Number(m[2]) !== this.port) return false;
    return this.hosts.has(m[1]);
  }
}
