import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { KlogError } from '@klog/log-core';
import { SCRAM_MECHANISMS, scramHash, type ScramMechanism } from './scram-mechanism.js';

/**
 * What a server keeps of a password for one SCRAM mechanism (RFC 5802 §3): the salt and iteration count the
 * client needs to derive its keys, and two keys from which neither the password nor the client's proof can be
 * worked back. A stolen credential lets no one log in as the user.
 */
export interface ScramCredential {
  mechanism: ScramMechanism;
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** RFC 7677 asks for at least 4096 iterations; more costs every login more CPU on both sides. */
export const MIN_SCRAM_ITERATIONS = 4096;
export const DEFAULT_SCRAM_ITERATIONS = 8192;

export function hmac(mechanism: ScramMechanism, key: Buffer, text: string | Buffer): Buffer {
  return createHmac(scramHash(mechanism).name, key).update(text).digest();
}

export function hash(mechanism: ScramMechanism, data: Buffer): Buffer {
  return createHash(scramHash(mechanism).name).update(data).digest();
}

/**
 * Hi(password, salt, i) of RFC 5802: PBKDF2 with the mechanism's HMAC. The password is taken as its UTF-8 bytes,
 * unnormalized, as Kafka's clients do (SASLprep would change only passwords with unusual Unicode).
 */
export function saltedPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, scramHash(mechanism).bytes, scramHash(mechanism).name);
}

export function clientKeyOf(mechanism: ScramMechanism, salted: Buffer): Buffer {
  return hmac(mechanism, salted, 'Client Key');
}

/** A fresh credential for a password: a random salt, the given iterations, StoredKey and ServerKey. */
export function deriveScramCredential(mechanism: ScramMechanism, password: string, opts: { iterations?: number; salt?: Buffer } = {}): ScramCredential {
  const iterations = opts.iterations ?? DEFAULT_SCRAM_ITERATIONS;
  checkIterations(iterations);
  if (password === '') throw new KlogError('INVALID_CONFIG', 'the password is empty: give one with at least one character');
  const salt = opts.salt ?? randomBytes(24);
  const salted = saltedPassword(mechanism, password, salt, iterations);
  return {
    mechanism, salt, iterations,
    storedKey: hash(mechanism, clientKeyOf(mechanism, salted)),
    serverKey: hmac(mechanism, salted, 'Server Key'),
  };
}

/** A credential per mechanism klog speaks, each with its own salt: what adding a user stores. */
export function deriveScramCredentials(password: string, opts: { iterations?: number } = {}): ScramCredential[] {
  return SCRAM_MECHANISMS.map((m) => deriveScramCredential(m, password, opts));
}

export function checkIterations(iterations: number): void {
  if (!Number.isSafeInteger(iterations) || iterations < MIN_SCRAM_ITERATIONS) {
    throw new KlogError('INVALID_CONFIG', `SCRAM iterations must be a whole number of at least ${MIN_SCRAM_ITERATIONS}, got ${iterations}`);
  }
}

/** a XOR b, for equal lengths (ClientProof = ClientKey XOR ClientSignature, and back). */
export function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}
