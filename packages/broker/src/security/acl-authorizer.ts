import { KlogError } from '@klog/log-core';
import { aclMatches, userPrincipal, type AclOperation, type Resource } from './acl.js';
import type { AclStore } from './acl-store.js';

/** An operation a request needs (never `all`: that is only a grant). */
export type Operation = Exclude<AclOperation, 'all'>;

/** What one request may do, for one principal: checks throw the *_AUTHORIZATION_FAILED of the resource denied. */
export interface Gate {
  readonly principal: string | null;
  check(operation: Operation, resource: Resource): void;
  allowed(operation: Operation, resource: Resource): boolean;
}

/** Who a connection is, for the authorizer: `User:NAME`, or this when it is nobody (no user, no certificate). */
export const ANONYMOUS = 'User:ANONYMOUS';

const FAILED = { topic: 'TOPIC_AUTHORIZATION_FAILED', group: 'GROUP_AUTHORIZATION_FAILED', cluster: 'CLUSTER_AUTHORIZATION_FAILED' } as const;

export interface AuthorizerOptions {
  /** Users that every check lets through (the operator's), by name or `User:NAME`. */
  superUsers?: readonly string[];
  /** Authorize even with no users (e.g. mTLS principals only). Without it, authorization is on exactly when there are users. */
  always?: boolean;
}

/**
 * Decides whether a principal may do an operation on a resource, after Kafka's AclAuthorizer: a matching deny
 * wins over any allow; with no matching allow the answer is no (allow.everyone.if.no.acl.found=false); super
 * users are never asked. Off (everything allowed) while the broker has no users, unless asked to be on.
 */
export class AclAuthorizer {
  private readonly superUsers: ReadonlySet<string>;
  private readonly always: boolean;

  constructor(readonly acls: AclStore, private readonly hasUsers: () => boolean, opts: AuthorizerOptions = {}) {
    this.superUsers = new Set((opts.superUsers ?? []).map(userPrincipal));
    this.always = opts.always ?? false;
  }

  get enabled(): boolean {
    return this.always || this.hasUsers();
  }

  /** `principal` as a connection knows it: a user name or certificate CN, null for anonymous. */
  allowed(principal: string | null, operation: Operation, resource: Resource): boolean {
    if (!this.enabled) return true;
    const who = principal === null ? ANONYMOUS : userPrincipal(principal);
    if (this.superUsers.has(who)) return true;
    let allow = false;
    for (const acl of this.acls.list()) {
      if (!aclMatches(acl, who, operation, resource)) continue;
      if (!acl.allow) return false;
      allow = true;
    }
    return allow;
  }

  /** The checks of one principal, for a request's rules to call. */
  gate(principal: string | null): Gate {
    return {
      principal,
      check: (operation, resource) => this.check(principal, operation, resource),
      allowed: (operation, resource) => this.allowed(principal, operation, resource),
    };
  }

  /** Throws TOPIC_/GROUP_/CLUSTER_AUTHORIZATION_FAILED naming the principal, the operation and the resource. */
  check(principal: string | null, operation: Operation, resource: Resource): void {
    if (this.allowed(principal, operation, resource)) return;
    throw authorizationFailed(principal, operation, resource);
  }
}

export function authorizationFailed(principal: string | null, operation: Operation, resource: Resource): KlogError {
  const who = principal === null ? ANONYMOUS : userPrincipal(principal);
  return new KlogError(FAILED[resource.type], `${who} is not authorized to ${operation} ${resource.type} ${resource.name}`);
}
