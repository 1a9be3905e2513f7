import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { KlogError } from '@klog/log-core';
import { SCRAM_MECHANISMS } from '@klog/protocol';
import type { Logger } from 'pino';
import type { BrokerSecurity } from '../../security/broker-security.js';
import { verifyPlain } from '../../security/plain-password.js';
import { cookieOf, SESSION_COOKIE } from './cookie.js';
import { SessionStore } from './session-store.js';

export interface HttpAuthOptions {
  /** The listener serves HTTPS: Basic credentials and the session cookie never cross in the clear. */
  https: boolean;
  /** Accept Authorization: Basic on plain HTTP too (the operator's --allow-plain-without-tls). */
  allowBasicWithoutTls: boolean;
  logger: Logger;
  sessions?: SessionStore;
}

const LOGIN_HINT = 'log in (POST /api/v1/login, or the console\'s form) or send Authorization: Basic';

/**
 * Who an HTTP request is. With no users, nobody is asked (null: anonymous, and the authorizer is off). With
 * users, a request names its user by the console's session cookie or, for scripts and Prometheus, by
 * Authorization: Basic; passwords are checked as SASL PLAIN's are (against the SCRAM credential, failures
 * throttled per address and logged without the password).
 */
export class HttpAuth {
  readonly sessions: SessionStore;

  constructor(private readonly opts: HttpAuthOptions) {
    this.sessions = opts.sessions ?? new SessionStore();
  }

  get secure(): boolean {
    return this.opts.https;
  }

  /** The request's principal, or null when the broker has no users; AUTHENTICATION_REQUIRED (401) otherwise. */
  async authenticate(req: IncomingMessage, security: BrokerSecurity): Promise<string | null> {
    if (security.users.size === 0) return null;
    const basic = basicCredentials(req);
    if (basic !== null) {
      if (!this.opts.https && !this.opts.allowBasicWithoutTls) {
        throw new KlogError('AUTHENTICATION_REQUIRED',
          'Authorization: Basic needs HTTPS (--tls-cert), or a broker started with --allow-plain-without-tls; the console logs in with POST /api/v1/login');
      }
      return this.checkPassword(req, security, basic.user, basic.password, 'basic');
    }
    const user = this.sessionUser(req, security);
    if (user !== null) return user;
    throw new KlogError('AUTHENTICATION_REQUIRED', `the broker has users: ${LOGIN_HINT}`);
  }

  /** The user of the request's session cookie, when it is live and the user still exists; else null. */
  sessionUser(req: IncomingMessage, security: BrokerSecurity): string | null {
    const token = cookieOf(req, SESSION_COOKIE);
    if (token === undefined) return null;
    const user = this.sessions.touch(token);
    if (user === null) return null;
    if (!SCRAM_MECHANISMS.some((m) => security.users.credential(user, m) !== undefined)) {
      this.sessions.deleteUser(user); // removed since it logged in
      return null;
    }
    return user;
  }

  /** Checks the password and opens a session: its token, for the cookie. */
  async login(req: IncomingMessage, security: BrokerSecurity, user: string, password: string): Promise<string> {
    if (security.users.size === 0) throw new KlogError('INVALID_REQUEST', 'the broker has no users: there is nothing to log in to');
    await this.checkPassword(req, security, user, password, 'login');
    this.opts.logger.info({ user, remote: remoteOf(req) }, 'console user logged in');
    return this.sessions.create(user);
  }

  logout(req: IncomingMessage): void {
    const token = cookieOf(req, SESSION_COOKIE);
    if (token !== undefined) this.sessions.delete(token);
  }

  /** The PLAIN check, throttled per address; a failure is logged with the user and address, never the password. */
  private async checkPassword(req: IncomingMessage, security: BrokerSecurity, user: string, password: string, via: 'login' | 'basic'): Promise<string> {
    const remote = remoteOf(req);
    try {
      if (user.includes('\u0000') || password.includes('\u0000')) throw new KlogError('SASL_AUTHENTICATION_FAILED', 'user and password cannot hold NUL');
      verifyPlain(security.users, Buffer.from(`\u0000${user}\u0000${password}`, 'utf8'));
    } catch (err) {
      if (!(err instanceof KlogError)) throw err;
      const delayMs = security.throttle.failed(remote);
      this.opts.logger.warn({ user: user.slice(0, 255), remote, via, delayMs }, 'http authentication failed');
      if (delayMs > 0) await sleep(delayMs);
      throw err;
    }
    security.throttle.succeeded(remote);
    return user;
  }
}

function remoteOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** `Authorization: Basic base64(user:password)`, or null when the request has no Basic credentials. */
function basicCredentials(req: IncomingMessage): { user: string; password: string } | null {
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) throw new KlogError('AUTHENTICATION_REQUIRED', 'only Authorization: Basic is understood (base64 of user:password)');
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new KlogError('AUTHENTICATION_REQUIRED', 'Authorization: Basic must carry base64 of user:password');
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
