import { API_VERSIONS_KEY } from './api-registry.js';
import { saslAuthenticateApi } from './apis/sasl-authenticate.js';
import { saslHandshakeApi } from './apis/sasl-handshake.js';
import type { KafkaSaslSession } from './kafka-sasl.js';

/** What a client may ask before it has authenticated: enough to negotiate versions and to authenticate. */
const BEFORE_AUTHENTICATION: ReadonlySet<number> = new Set([API_VERSIONS_KEY, saslHandshakeApi.key, saslAuthenticateApi.key]);

/**
 * Whether a request frame may go on to dispatch. When the broker has users, a connection that has not
 * authenticated may only ask ApiVersions, SaslHandshake and SaslAuthenticate; anything else closes the
 * connection, as Kafka does (its clients expect nothing else: no API has an error for "authenticate first").
 * Returns why the frame is refused, for the log, or null when it may pass.
 */
export function refusedBeforeAuthentication(frame: Buffer, sasl: KafkaSaslSession): Record<string, unknown> | null {
  if (!sasl.authenticationRequired) return null;
  const apiKey = frame.length >= 2 ? frame.readInt16BE(0) : null;
  if (apiKey !== null && BEFORE_AUTHENTICATION.has(apiKey)) return null;
  return { apiKey, principal: sasl.principal };
}
