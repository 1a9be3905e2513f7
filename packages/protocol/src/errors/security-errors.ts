import type { ErrorInfo } from '@klog/log-core';

/**
 * Codes of security: TLS between client and broker, the user store, authentication (SCRAM) and authorization
 * (ACLs). None is retriable: sending the same thing again meets the same certificate, password, user list, ACLs.
 */
export type SecurityErrorCode =
  | 'TLS_REQUIRED'
  | 'TLS_HANDSHAKE_FAILED'
  | 'AUTHENTICATION_REQUIRED'
  | 'SASL_AUTHENTICATION_FAILED'
  | 'UNSUPPORTED_SASL_MECHANISM'
  | 'ILLEGAL_SASL_STATE'
  | 'UNKNOWN_USER'
  | 'TOPIC_AUTHORIZATION_FAILED'
  | 'GROUP_AUTHORIZATION_FAILED'
  | 'CLUSTER_AUTHORIZATION_FAILED'
  | 'UNKNOWN_ACL';

const row = (kafkaCode: number, hint: string): ErrorInfo => ({
  retriable: false, refreshMetadata: false, rejoin: false, kafkaCode, hint,
});

/** The security codes. Kafka numbers from Kafka's protocol error list (SASL ones); Kafka has none for TLS. */
export const SECURITY_ERRORS = {
  TLS_REQUIRED: row(-1, 'see docs/security.md on connecting with TLS'),
  TLS_HANDSHAKE_FAILED: row(-1, 'see docs/security.md on certificates'),
  AUTHENTICATION_REQUIRED: row(58, 'see docs/security.md on users'),
  SASL_AUTHENTICATION_FAILED: row(58, 'check the user name and password; klog user list shows the users a broker has'),
  UNSUPPORTED_SASL_MECHANISM: row(33, 'use scram-sha-256 or scram-sha-512'),
  ILLEGAL_SASL_STATE: row(34, 'authenticate once, right after apiVersions, with a client of this klog version'),
  UNKNOWN_USER: row(-1, 'list the users with: klog user list'),
  TOPIC_AUTHORIZATION_FAILED: row(29, 'an operator grants it with: klog acl add --allow User:NAME --operation OP --topic TOPIC'),
  GROUP_AUTHORIZATION_FAILED: row(30, 'an operator grants it with: klog acl add --allow User:NAME --operation read --group GROUP'),
  CLUSTER_AUTHORIZATION_FAILED: row(31, 'an operator grants it with: klog acl add --allow User:NAME --operation OP --cluster'),
  UNKNOWN_ACL: row(-1, 'list the ACLs with: klog acl list'),
} as const satisfies Record<SecurityErrorCode, ErrorInfo>;
