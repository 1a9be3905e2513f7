import { randomBytes, timingSafeEqual } from 'node:crypto';
import { KlogError } from '@klog/log-core';
import { DEFAULT_SCRAM_ITERATIONS, hash, hmac, xor, type ScramCredential } from './scram-credential.js';
import type { ScramMechanism } from './scram-mechanism.js';
import { GS2_HEADER, parseAttributes, requireAttribute, splitClientFirst } from './scram-messages.js';

/** The same words for an unknown user and a wrong password: the answer must not tell which names exist. */
export const AUTHENTICATION_FAILED_MESSAGE = 'authentication failed: unknown user or wrong password';

/**
 * The server's side of one SCRAM exchange: first(client-first) → server-first; final(client-final) →
 * server-final once the client's proof matches the stored credential. An unknown user gets a server-first like
 * any other (a salt derived from its name and a secret of this server, so asking twice gives the same one) and
 * fails only at the proof, like a wrong password.
 */
export class ScramServer {
  private state: { user: string; credential: ScramCredential | undefined; clientFirstBare: string; serverFirst: string; nonce: string } | null = null;

  constructor(
    private readonly mechanism: ScramMechanism,
    private readonly lookup: (user: string) => ScramCredential | undefined,
    /** Secret of this server for the salts of unknown users. */
    private readonly fakeSaltSecret: Buffer,
    private readonly serverNonce = randomBytes(24).toString('base64'),
  ) {}

  /** The user the client named in its first message (known or not), for logs. */
  get user(): string | undefined {
    return this.state?.user;
  }

  first(clientFirst: string): string {
    if (this.state) throw new KlogError('ILLEGAL_SASL_STATE', 'SCRAM client-first-message sent twice');
    const { user, nonce: clientNonce, bare } = splitClientFirst(clientFirst);
    const credential = this.lookup(user);
    const salt = credential?.salt ?? hmac(this.mechanism, this.fakeSaltSecret, `salt:${user}`).subarray(0, 24);
    const iterations = credential?.iterations ?? DEFAULT_SCRAM_ITERATIONS;
    const nonce = clientNonce + this.serverNonce;
    const serverFirst = `r=${nonce},s=${salt.toString('base64')},i=${iterations}`;
    this.state = { user, credential, clientFirstBare: bare, serverFirst, nonce };
    return serverFirst;
  }

  /** Checks the proof; throws SASL_AUTHENTICATION_FAILED when it does not match (or the user is unknown). */
  final(clientFinal: string): { user: string; serverFinal: string } {
    const state = this.state;
    if (!state) throw new KlogError('ILLEGAL_SASL_STATE', 'SCRAM client-final-message before client-first-message');
    const attrs = parseAttributes(clientFinal, 'client-final-message');
    if (requireAttribute(attrs, 'c', 'client-final-message') !== Buffer.from(GS2_HEADER).toString('base64')) {
      throw new KlogError('ILLEGAL_SASL_STATE', 'SCRAM channel binding must be "n,," (none)');
    }
    if (requireAttribute(attrs, 'r', 'client-final-message') !== state.nonce) {
      throw new KlogError('SASL_AUTHENTICATION_FAILED', AUTHENTICATION_FAILED_MESSAGE);
    }
    const proof = Buffer.from(requireAttribute(attrs, 'p', 'client-final-message'), 'base64');
    const withoutProof = clientFinal.slice(0, clientFinal.lastIndexOf(',p='));
    const authMessage = `${state.clientFirstBare},${state.serverFirst},${withoutProof}`;
    const credential = state.credential;
    if (!credential || proof.length !== credential.storedKey.length) throw new KlogError('SASL_AUTHENTICATION_FAILED', AUTHENTICATION_FAILED_MESSAGE);
    const clientKey = xor(proof, hmac(this.mechanism, credential.storedKey, authMessage));
    if (!timingSafeEqual(hash(this.mechanism, clientKey), credential.storedKey)) {
      throw new KlogError('SASL_AUTHENTICATION_FAILED', AUTHENTICATION_FAILED_MESSAGE);
    }
    return { user: state.user, serverFinal: `v=${hmac(this.mechanism, credential.serverKey, authMessage).toString('base64')}` };
  }
}
