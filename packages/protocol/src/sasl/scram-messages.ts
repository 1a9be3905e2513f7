import { KlogError } from '@klog/log-core';

/**
 * The four SCRAM messages of RFC 5802 §7 as text: comma-separated `k=value` attributes. Only what klog needs:
 * no channel binding (the gs2 header is always "n,,": TLS already ties the connection together), no
 * authorization identity other than the user.
 */
export const GS2_HEADER = 'n,,';

/** The attributes of a message, by their one-letter names; a malformed message is ILLEGAL_SASL_STATE. */
export function parseAttributes(message: string, what: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const part of message.split(',')) {
    const m = /^([A-Za-z])=(.*)$/s.exec(part);
    if (!m) throw new KlogError('ILLEGAL_SASL_STATE', `malformed SCRAM ${what}: ${JSON.stringify(part.slice(0, 40))} is not an attribute`);
    attrs.set(m[1], m[2]);
  }
  return attrs;
}

export function requireAttribute(attrs: Map<string, string>, name: string, what: string): string {
  const value = attrs.get(name);
  if (value === undefined || value === '') throw new KlogError('ILLEGAL_SASL_STATE', `SCRAM ${what} lacks its ${name}= attribute`);
  return value;
}

/** saslname of RFC 5802: "=" and "," are escaped as =3D and =2C. */
export function encodeSaslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

export function decodeSaslName(name: string): string {
  if (/=(?!2C|3D)/.test(name)) throw new KlogError('ILLEGAL_SASL_STATE', 'SCRAM user name has a bad escape (only =2C and =3D are allowed)');
  return name.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/** Splits client-first-message into its gs2 header and its bare part (what the AuthMessage includes). */
export function splitClientFirst(message: string): { user: string; nonce: string; bare: string } {
  if (!message.startsWith(GS2_HEADER)) {
    throw new KlogError('ILLEGAL_SASL_STATE', 'SCRAM client-first-message must start with "n,,": klog supports no channel binding and no separate authorization id');
  }
  const bare = message.slice(GS2_HEADER.length);
  const attrs = parseAttributes(bare, 'client-first-message');
  return { user: decodeSaslName(requireAttribute(attrs, 'n', 'client-first-message')), nonce: requireAttribute(attrs, 'r', 'client-first-message'), bare };
}
