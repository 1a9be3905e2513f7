import { KlogError } from '@klog/log-core';
import { ACL_OPERATIONS, ACL_RESOURCE_TYPES, CLUSTER_RESOURCE, type AclOperation, type AclResourceType } from '@klog/protocol';

export type { AclOperation, AclResourceType };

/** One ACL, after Kafka's model: principal `User:NAME` or `*`, a literal or prefixed resource, an operation, allow or deny. */
export interface Acl {
  principal: string;
  resourceType: AclResourceType;
  resourceName: string;
  prefix: boolean;
  operation: AclOperation;
  allow: boolean;
}

/** What a request touches: a topic, a group (or a queue, which is a group of its own), or the cluster. */
export interface Resource {
  type: AclResourceType;
  name: string;
}

export const CLUSTER: Resource = { type: 'cluster', name: CLUSTER_RESOURCE };
export const topicResource = (name: string): Resource => ({ type: 'topic', name });
/** A group, or a queue (a queue's ACLs are those of the group of its name). */
export const groupResource = (name: string): Resource => ({ type: 'group', name });

/** `alice` and `User:alice` name the same principal; ACLs and super users keep the `User:` form. */
export function userPrincipal(name: string): string {
  return name === '*' || name.startsWith('User:') ? name : `User:${name}`;
}

/** Rejects an ACL that could never match what it says (an empty name, a prefix on the cluster, an unknown kind). */
export function validateAcl(acl: Acl): Acl {
  if (acl.principal !== '*' && !/^User:.+/.test(acl.principal)) {
    throw new KlogError('INVALID_CONFIG', `ACL principal ${JSON.stringify(acl.principal)} must be User:NAME or *`);
  }
  if (!(ACL_RESOURCE_TYPES as readonly string[]).includes(acl.resourceType)) {
    throw new KlogError('INVALID_CONFIG', `ACL resource type ${JSON.stringify(acl.resourceType)} must be one of ${ACL_RESOURCE_TYPES.join(', ')}`);
  }
  if (!(ACL_OPERATIONS as readonly string[]).includes(acl.operation)) {
    throw new KlogError('INVALID_CONFIG', `ACL operation ${JSON.stringify(acl.operation)} must be one of ${ACL_OPERATIONS.join(', ')}`);
  }
  if (acl.resourceType === 'cluster' && (acl.resourceName !== CLUSTER_RESOURCE || acl.prefix)) {
    throw new KlogError('INVALID_CONFIG', `a cluster ACL names the one cluster, ${CLUSTER_RESOURCE}, literally`);
  }
  // A literal "*" matches every name, as in Kafka; an empty prefix would too, so it is refused as ambiguous.
  if (acl.resourceName.length === 0) throw new KlogError('INVALID_CONFIG', `an ACL needs a ${acl.resourceType} name (or * for all)`);
  return acl;
}

/** Does `acl` speak of this principal, operation and resource? */
export function aclMatches(acl: Acl, principal: string, operation: Exclude<AclOperation, 'all'>, resource: Resource): boolean {
  if (acl.principal !== '*' && acl.principal !== principal) return false;
  if (acl.resourceType !== resource.type) return false;
  if (acl.operation !== 'all' && acl.operation !== operation
    // Kafka: read, write, delete and alter each imply describe.
    && !(operation === 'describe' && ['read', 'write', 'delete', 'alter'].includes(acl.operation))) return false;
  if (acl.prefix) return resource.name.startsWith(acl.resourceName);
  return acl.resourceName === '*' || acl.resourceName === resource.name;
}

export function sameAcl(a: Acl, b: Acl): boolean {
  return a.principal === b.principal && a.resourceType === b.resourceType && a.resourceName === b.resourceName
    && a.prefix === b.prefix && a.operation === b.operation && a.allow === b.allow;
}

/** One line for logs and the CLI: `allow User:alice read topic orders*`. */
export function describeAcl(acl: Acl): string {
  return `${acl.allow ? 'allow' : 'deny'} ${acl.principal} ${acl.operation} ${acl.resourceType} ${acl.resourceName}${acl.prefix ? '*' : ''}`;
}
