import { setTimeout as sleep } from 'node:timers/promises';
import { KlogError } from '@klog/log-core';
import { SCRAM_MECHANISMS, type ScramMechanism } from '@klog/protocol';
import type { Logger } from 'pino';
import type { BrokerSecurity } from '../security/broker-security.js';
import type { ConnectionAuth } from '../security/connection-auth.js';
import { verifyPlain } from '../security/plain-password.js';
import { KafkaError } from './error-codes.js';

export type KafkaSaslMechanism = ScramMechanism | 'PLAIN';

export interface KafkaSaslSessionOptions {
  /** Offer PLAIN: on a TLS listener, or where the operator allowed passwords in the clear. */
  readonly plainAllowed: boolean;
  readonly remoteHost: string;
  /** The CN of the client's verified certificate (mTLS), or null. */
  readonly certificatePrincipal: string | null;
  /** The connection's logger: failures are logged with the user, the address and the mechanism, never a secret. */
  readonly log: Logger;
}

/** What SaslAuthenticate answers, but for the session lifetime. */
export interface SaslAnswer {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
}

const EMPTY = Buffer.alloc(0);

/**
 * The SASL side of one Kafka connection: the mechanism chosen by SaslHandshake, the exchange that follows, the
 * user once it succeeded. SCRAM is the broker's own exchange (ConnectionAuth, the one the native listener uses,
 * against the same user store); PLAIN is checked against the same users' credentials. Whatever goes wrong is
 * answered, then `closeReason` tells the connection to close, as Kafka does after a failed handshake or
 * authentication: a client starts again on a fresh connection.
 */
export class KafkaSaslSession {
  private readonly scram: ConnectionAuth;
  private mechanism: KafkaSaslMechanism | null = null;
  private plainUser: string | null = null;
  /** The user the SCRAM exchange named so far, for the log of a failure (the exchange forgets it when it fails). */
  private claimedUser: string | undefined;
  /** After SaslHandshake v0 the tokens come as bare frames, not SaslAuthenticate requests. */
  private rawTokens = false;
  /** Set when the connection must close once the answer is sent; null while all is well. */
  closeReason: string | null = null;

  constructor(private readonly security: BrokerSecurity, private readonly opts: KafkaSaslSessionOptions) {
    this.scram = security.connectionAuth(opts.certificatePrincipal);
  }

  /** The user this connection authenticated as; null until it has. */
  get user(): string | null {
    return this.plainUser ?? this.scram.user;
  }

  /** Who the peer is, for access control: its user once authenticated, else its certificate's CN; null: anonymous. */
  get principal(): string | null {
    return this.user ?? this.opts.certificatePrincipal;
  }

  /** True while only ApiVersions and the SASL APIs may be asked: the broker has users and this peer is none of them yet. */
  get authenticationRequired(): boolean {
    return this.user === null && this.security.users.size > 0;
  }

  /** True when the next frame is a bare SASL token (after SaslHandshake v0), not a request. */
  get expectsRawToken(): boolean {
    return this.rawTokens && this.mechanism !== null && this.user === null && this.closeReason === null;
  }

  get enabledMechanisms(): KafkaSaslMechanism[] {
    return this.opts.plainAllowed ? [...SCRAM_MECHANISMS, 'PLAIN'] : [...SCRAM_MECHANISMS];
  }

  handshake(requested: string, version: number): { errorCode: number; mechanisms: string[] } {
    const mechanisms = this.enabledMechanisms;
    if (this.mechanism !== null || this.user !== null) {
      this.closeReason = 'SaslHandshake on a connection that already chose a mechanism';
      return { errorCode: KafkaError.ILLEGAL_SASL_STATE, mechanisms };
    }
    // Kafka matches mechanism names exactly, as clients send them in capitals.
    const chosen = mechanisms.find((m) => m === requested);
    if (chosen === undefined) {
      const plainRefused = requested === 'PLAIN' ? ' (PLAIN needs TLS, or the broker started with --allow-plain-without-tls)' : '';
      this.closeReason = `unsupported SASL mechanism ${JSON.stringify(requested.slice(0, 64))}${plainRefused}`;
      return { errorCode: KafkaError.UNSUPPORTED_SASL_MECHANISM, mechanisms };
    }
    if (chosen !== 'PLAIN') this.scram.handshake(chosen);
    this.mechanism = chosen;
    this.rawTokens = version === 0;
    return { errorCode: KafkaError.NONE, mechanisms };
  }

  /** One token inside SaslAuthenticate (after SaslHandshake v1). */
  async authenticate(token: Buffer, closed: AbortSignal): Promise<SaslAnswer> {
    if (this.mechanism === null || this.user !== null || this.rawTokens) {
      this.closeReason = 'SaslAuthenticate out of order';
      return {
        errorCode: KafkaError.ILLEGAL_SASL_STATE, authBytes: EMPTY,
        errorMessage: 'SaslAuthenticate needs a SaslHandshake v1 first, on a connection not yet authenticated',
      };
    }
    try {
      return { errorCode: KafkaError.NONE, errorMessage: null, authBytes: this.step(token) };
    } catch (err) {
      return { errorCode: KafkaError.SASL_AUTHENTICATION_FAILED, errorMessage: await this.failed(err, token, closed), authBytes: EMPTY };
    }
  }

  /** One bare token (after SaslHandshake v0): the bare answer, or null when authentication failed (Kafka then just closes). */
  async rawToken(token: Buffer, closed: AbortSignal): Promise<Buffer | null> {
    try {
      return this.step(token);
    } catch (err) {
      await this.failed(err, token, closed);
      return null;
    }
  }

  private step(token: Buffer): Buffer {
    if (this.mechanism === 'PLAIN') {
      this.plainUser = verifyPlain(this.security.users, token);
      this.succeeded();
      return EMPTY; // PLAIN's success is an empty token
    }
    const answer = this.scram.step(token.toString('utf8'));
    this.claimedUser = this.scram.claimedUser ?? this.scram.user ?? undefined;
    if (this.scram.user !== null) this.succeeded();
    return Buffer.from(answer, 'utf8');
  }

  private succeeded(): void {
    this.security.throttle.succeeded(this.opts.remoteHost);
    this.opts.log.info({ principal: this.user, remote: this.opts.remoteHost, mechanism: this.mechanism }, 'kafka client authenticated');
  }

  /** Logs and throttles a failure, and says why to the client; a bug (not a KlogError) is not a failed login. */
  private async failed(err: unknown, token: Buffer, closed: AbortSignal): Promise<string> {
    if (!(err instanceof KlogError)) throw err;
    const mechanism = this.mechanism;
    const user = mechanism === 'PLAIN' ? plainUserOf(token) : this.claimedUser;
    this.mechanism = null;
    this.closeReason = 'SASL authentication failed';
    const delayMs = this.security.throttle.failed(this.opts.remoteHost);
    this.opts.log.warn({ user: user ?? null, remote: this.opts.remoteHost, mechanism, delayMs, reason: err.message }, 'kafka authentication failed');
    if (delayMs > 0) await sleep(delayMs, undefined, { signal: closed }).catch(() => undefined);
    return err.message;
  }
}

/** The user a PLAIN message names (for the log of a failure), without its password. */
function plainUserOf(token: Buffer): string | undefined {
  const parts = token.toString('utf8').split('\u0000');
  return parts.length === 3 ? parts[1].slice(0, 255) : undefined;
}
