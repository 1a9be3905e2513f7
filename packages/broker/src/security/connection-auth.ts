import { KlogError } from '@klog/log-core';
import { parseScramMechanism, ScramServer, type ApiName, type ScramMechanism } from '@klog/protocol';
import type { UserStore } from './user-store.js';

/** What a client may ask before it has authenticated: enough to negotiate versions and to authenticate. */
const BEFORE_AUTHENTICATION: ReadonlySet<ApiName> = new Set(['apiVersions', 'saslHandshake', 'saslAuthenticate']);

/**
 * The authentication state of one connection: the mechanism chosen by saslHandshake, the SCRAM exchange in
 * progress, and once it succeeds the user, who is then the connection's principal.
 */
export class ConnectionAuth {
  private mechanism: ScramMechanism | null = null;
  private exchange: ScramServer | null = null;
  /** The user this connection authenticated as; null until it has. */
  user: string | null = null;

  constructor(
    private readonly users: UserStore,
    private readonly fakeSaltSecret: Buffer,
    /** The CN of the client's verified certificate (mTLS), or null. */
    private readonly certificatePrincipal: string | null = null,
  ) {}

  /** Who the peer is, for access control and logs: its user once authenticated, else its certificate's CN; null: anonymous. */
  get principal(): string | null {
    return this.user ?? this.certificatePrincipal;
  }

  /** Refuses a request that needs authentication: every API but the few above, once the broker has users. */
  check(api: ApiName): void {
    if (this.user !== null || this.users.size === 0 || BEFORE_AUTHENTICATION.has(api)) return;
    throw new KlogError('AUTHENTICATION_REQUIRED',
      `the broker has users: authenticate before ${api} (--user NAME with the password in KLOG_PASSWORD, or createClient({ sasl }))`);
  }

  /** The mechanism chosen for the exchange that follows. */
  handshake(mechanism: string): ScramMechanism {
    if (this.user !== null) throw new KlogError('ILLEGAL_SASL_STATE', `this connection is already authenticated as ${this.user}`);
    this.mechanism = parseScramMechanism(mechanism);
    this.exchange = null;
    return this.mechanism;
  }

  get chosenMechanism(): ScramMechanism | null {
    return this.mechanism;
  }

  /** The user named so far in the exchange (known or not), for the log of a failure. */
  get claimedUser(): string | undefined {
    return this.exchange?.user;
  }

  /**
   * One step: client-first → server-first, then client-final → server-final (the connection is then
   * authenticated). A failure ends the exchange: the client starts again with saslHandshake.
   */
  step(message: string): string {
    const mechanism = this.mechanism;
    if (mechanism === null || this.user !== null) {
      throw new KlogError('ILLEGAL_SASL_STATE', 'saslAuthenticate needs a saslHandshake first, on a connection not yet authenticated');
    }
    if (this.exchange === null) {
      this.exchange = new ScramServer(mechanism, (u) => this.users.credential(u, mechanism), this.fakeSaltSecret);
      return this.exchange.first(message);
    }
    const exchange = this.exchange;
    try {
      const { user, serverFinal } = exchange.final(message);
      this.user = user;
      return serverFinal;
    } finally {
      this.exchange = null;
      if (this.user === null) this.mechanism = null;
    }
  }
}
