import { randomBytes, timingSafeEqual } from 'node:crypto';
import { KlogError } from '@klog/log-core';
import { clientKeyOf, hash, hmac, MIN_SCRAM_ITERATIONS, saltedPassword, xor } from './scram-credential.js';
import type { ScramMechanism } from './scram-mechanism.js';
import { encodeSaslName, GS2_HEADER, parseAttributes, requireAttribute } from './scram-messages.js';

/**
 * The client's side of one SCRAM exchange: first() → client-first-message; final(server-first) → client-final
 * (with the proof); verify(server-final) checks that the server, too, knew the credential — a broker that
 * merely accepted us is not enough.
 */
export class ScramClient {
  private readonly clientFirstBare: string;
  private expectedServerSignature: Buffer | null = null;

  constructor(
    private readonly mechanism: ScramMechanism,
    private readonly username: string,
    private readonly password: string,
    private readonly nonce = randomBytes(24).toString('base64'),
  ) {
    this.clientFirstBare = `n=${encodeSaslName(username)},r=${nonce}`;
  }

  first(): string {
    return GS2_HEADER + this.clientFirstBare;
  }

  final(serverFirst: string): string {
    const attrs = parseAttributes(serverFirst, 'server-first-message');
    const nonce = requireAttribute(attrs, 'r', 'server-first-message');
    const salt = Buffer.from(requireAttribute(attrs, 's', 'server-first-message'), 'base64');
    const iterations = Number(requireAttribute(attrs, 'i', 'server-first-message'));
    if (!nonce.startsWith(this.nonce) || nonce.length === this.nonce.length) {
      throw new KlogError('SASL_AUTHENTICATION_FAILED', 'the broker\'s SCRAM nonce does not extend the client\'s: refusing to go on');
    }
    // A server asking for few iterations would make the proof cheap to attack: not below RFC 7677's minimum.
    if (!Number.isSafeInteger(iterations) || iterations < MIN_SCRAM_ITERATIONS) {
      throw new KlogError('SASL_AUTHENTICATION_FAILED', `the broker asked for ${iterations} SCRAM iterations, fewer than the ${MIN_SCRAM_ITERATIONS} required`);
    }
    const withoutProof = `c=${Buffer.from(GS2_HEADER).toString('base64')},r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const salted = saltedPassword(this.mechanism, this.password, salt, iterations);
    const clientKey = clientKeyOf(this.mechanism, salted);
    const proof = xor(clientKey, hmac(this.mechanism, hash(this.mechanism, clientKey), authMessage));
    this.expectedServerSignature = hmac(this.mechanism, hmac(this.mechanism, salted, 'Server Key'), authMessage);
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  verify(serverFinal: string): void {
    const attrs = parseAttributes(serverFinal, 'server-final-message');
    const error = attrs.get('e');
    if (error !== undefined) throw new KlogError('SASL_AUTHENTICATION_FAILED', `authentication of ${this.username} failed: ${error}`);
    const signature = Buffer.from(requireAttribute(attrs, 'v', 'server-final-message'), 'base64');
    const expected = this.expectedServerSignature;
    if (!expected || signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      throw new KlogError('SASL_AUTHENTICATION_FAILED', 'the broker\'s SCRAM signature is wrong: it does not hold this user\'s credential (is it the broker you meant?)');
    }
  }
}
