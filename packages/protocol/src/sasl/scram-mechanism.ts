import { KlogError } from '@klog/log-core';

/** The SCRAM mechanisms klog speaks (RFC 5802 with the hashes of RFC 7677 and its SHA-512 sibling). */
export const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type ScramMechanism = (typeof SCRAM_MECHANISMS)[number];

/** The hash of a mechanism, by its node:crypto name, and the length of its output in bytes. */
export function scramHash(mechanism: ScramMechanism): { name: 'sha256' | 'sha512'; bytes: number } {
  return mechanism === 'SCRAM-SHA-256' ? { name: 'sha256', bytes: 32 } : { name: 'sha512', bytes: 64 };
}

/** A mechanism from how a person or a peer names it ('scram-sha-256' or 'SCRAM-SHA-256'). */
export function parseScramMechanism(name: string): ScramMechanism {
  const upper = name.trim().toUpperCase();
  const found = SCRAM_MECHANISMS.find((m) => m === upper);
  if (!found) {
    throw new KlogError('UNSUPPORTED_SASL_MECHANISM', `SASL mechanism ${JSON.stringify(name)} is not supported; use one of ${SCRAM_MECHANISMS.join(', ')}`);
  }
  return found;
}
