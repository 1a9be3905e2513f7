import type { ErrorInfo } from '@klog/log-core';

/** Codes of the native protocol itself and of the client's side of a connection. */
export type BrokerErrorCode =
  | 'INVALID_REQUEST'
  | 'UNKNOWN_API'
  | 'UNSUPPORTED_VERSION'
  | 'FRAME_TOO_LARGE'
  | 'TOO_MANY_CONNECTIONS'
  | 'BROKER_SHUTTING_DOWN'
  | 'BROKER_NOT_AVAILABLE'
  | 'CONNECTION_LOST'
  | 'REQUEST_TIMED_OUT'
  | 'CLIENT_CLOSED'
  | 'INTERNAL_ERROR'
  | 'UNKNOWN_ERROR_CODE';

interface Flags {
  retriable?: boolean;
  refreshMetadata?: boolean;
}

const row = (kafkaCode: number, hint: string, flags: Flags = {}): ErrorInfo => ({
  retriable: flags.retriable ?? false, refreshMetadata: flags.refreshMetadata ?? false, rejoin: false, kafkaCode, hint,
});
/** The broker is (for now) out of reach: try again later, and ask it afresh what it has (it may have restarted). */
const unreachable = { retriable: true, refreshMetadata: true };

/** The broker-protocol and client codes. Kafka numbers from Kafka's protocol error list. */
export const BROKER_ERRORS = {
  INVALID_REQUEST: row(42, 'the request does not match the protocol: use a client of this klog version'),
  UNKNOWN_API: row(35, 'the broker does not know this API: upgrade the broker, or call apiVersions for the list'),
  UNSUPPORTED_VERSION: row(35, 'use a client and broker of matching versions (apiVersions lists what the broker supports)'),
  FRAME_TOO_LARGE: row(42, 'send smaller requests, or raise the broker\'s maxFrameBytes'),
  TOO_MANY_CONNECTIONS: row(-1, 'close other clients or raise the broker\'s connection limit', { retriable: true }),
  BROKER_SHUTTING_DOWN: row(8, 'start the broker again with: klog broker', unreachable),
  BROKER_NOT_AVAILABLE: row(8, 'start one with: klog broker', unreachable),
  CONNECTION_LOST: row(13, 'check that the broker is still running (klog broker), then try again', unreachable),
  REQUEST_TIMED_OUT: row(7, 'check that the broker is healthy, then try again', { retriable: true }),
  CLIENT_CLOSED: row(-1, 'create a new client: this one was closed'),
  // A bug or an I/O failure with no code of its own: sending it again would most likely fail the same way.
  INTERNAL_ERROR: row(-1, 'search the broker\'s log for the id, and report the error with that entry'),
  // The broker answered a code this client does not know (a newer broker): nothing to go on, so no retry.
  UNKNOWN_ERROR_CODE: row(-1, 'upgrade the client to the broker\'s version'),
} as const satisfies Record<BrokerErrorCode, ErrorInfo>;
