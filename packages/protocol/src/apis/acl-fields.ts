import { boolean, object, oneOf, string } from '../schema.js';

/** What an ACL governs, after Kafka's resource types (klog has one cluster, named "kafka-cluster" as in Kafka). */
export const ACL_RESOURCE_TYPES = ['topic', 'group', 'cluster'] as const;
export type AclResourceType = (typeof ACL_RESOURCE_TYPES)[number];

/** The operations an ACL grants or denies; `all` stands for every one of them. */
export const ACL_OPERATIONS = ['read', 'write', 'create', 'delete', 'describe', 'alter', 'all'] as const;
export type AclOperation = (typeof ACL_OPERATIONS)[number];

/** The one cluster resource's name. */
export const CLUSTER_RESOURCE = 'kafka-cluster';

/**
 * One ACL on the wire and in acls.json: who (`User:NAME` or `*`), on what (a resource type and a name, matched
 * literally or as a prefix), which operation, and whether it allows or denies.
 */
export const aclField = () => object({
  principal: string(),
  resourceType: oneOf(...ACL_RESOURCE_TYPES),
  resourceName: string(),
  prefix: boolean(),
  operation: oneOf(...ACL_OPERATIONS),
  allow: boolean(),
});
