import { timingSafeEqual } from 'node:crypto';
import { KlogError } from '@klog/log-core';
import { AUTHENTICATION_FAILED_MESSAGE, DEFAULT_SCRAM_ITERATIONS, deriveScramCredential, SCRAM_MECHANISMS, type ScramCredential } from '@klog/protocol';
import type { UserStore } from './user-store.js';

/** Stands in for an unknown user's credential, so that a wrong name costs the same key derivation as a wrong password. */
let nobody: ScramCredential | undefined;
const nobodyCredential = (): ScramCredential =>
  (nobody ??= deriveScramCredential('SCRAM-SHA-256', 'nobody', { iterations: DEFAULT_SCRAM_ITERATIONS, salt: Buffer.alloc(24) }));

/**
 * SASL PLAIN (RFC 4616): `authzid NUL authcid NUL password`, checked against the user's SCRAM credential (the
 * store keeps no password: the password given is run through the credential's salt and iterations, and the
 * StoredKey compared in constant time). The authzid may be empty or the user itself, as Kafka accepts; acting
 * as someone else is refused. Returns the user; any failure is SASL_AUTHENTICATION_FAILED in the same words as
 * SCRAM's, so the answer tells no one which names exist.
 */
export function verifyPlain(users: UserStore, message: Buffer): string {
  const parts = message.toString('utf8').split('\u0000');
  if (parts.length !== 3) {
    throw new KlogError('SASL_AUTHENTICATION_FAILED', 'malformed SASL PLAIN message: expected authzid, user and password separated by NUL bytes');
  }
  const [authzid, user, password] = parts;
  if (authzid !== '' && authzid !== user) {
    throw new KlogError('SASL_AUTHENTICATION_FAILED', `SASL PLAIN authorization id must be empty or the user itself (${user})`);
  }
  const credential = SCRAM_MECHANISMS.map((m) => users.credential(user, m)).find((c) => c !== undefined);
  if (!passwordMatches(credential ?? nobodyCredential(), password) || credential === undefined) {
    throw new KlogError('SASL_AUTHENTICATION_FAILED', AUTHENTICATION_FAILED_MESSAGE);
  }
  return user;
}

function passwordMatches(credential: ScramCredential, password: string): boolean {
  if (password === '') return false; // deriveScramCredential refuses it, and no user has an empty one
  const derived = deriveScramCredential(credential.mechanism, password, { iterations: credential.iterations, salt: credential.salt });
  return timingSafeEqual(derived.storedKey, credential.storedKey);
}
