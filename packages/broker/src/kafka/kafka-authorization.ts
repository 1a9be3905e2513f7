import { CLUSTER, type Resource } from '../security/acl.js';
import type { AclAuthorizer, Operation } from '../security/acl-authorizer.js';
import { KafkaError } from './error-codes.js';

/** Kafka's config resource types (DescribeConfigs, AlterConfigs): 2 a topic, 4 a broker (the cluster here). */
const CONFIG_TOPIC = 2;

type Req = Record<string, any>;
type Need = readonly [Operation, Resource];

const topic = (name: string): Resource => ({ type: 'topic', name });
const group = (name: string): Resource => ({ type: 'group', name });
const names = (list: readonly { name: string | null }[] | null | undefined): string[] => (list ?? []).flatMap((t) => (t.name === null ? [] : [t.name]));
const on = (operation: Operation, of: (n: string) => Resource, list: string[]): Need[] => list.map((n) => [operation, of(n)]);
const configResource = (r: { resourceType: number; resourceName: string }): Resource => (r.resourceType === CONFIG_TOPIC ? topic(r.resourceName) : CLUSTER);

/**
 * What each Kafka API needs, as Kafka's authorizer asks it: (operation, resource) pairs read off the decoded
 * request. APIs not listed need nothing (ApiVersions, InitProducerId, FindCoordinator, which reveals only this
 * broker's address). Metadata and ListGroups are not refused but narrowed: see narrowResponse.
 */
const NEEDS: Readonly<Record<string, (r: Req, version: number) => Need[]>> = {
  Produce: (r) => on('write', topic, names(r.topicData)),
  Fetch: (r) => on('read', topic, (r.topics as { topic: string }[]).map((t) => t.topic)),
  ListOffsets: (r) => on('describe', topic, names(r.topics)),
  OffsetCommit: (r) => [['read', group(r.groupId)], ...on('read', topic, names(r.topics))],
  OffsetFetch: (r, v) => on('describe', group, v >= 8 ? (r.groups as { groupId: string }[]).map((g) => g.groupId) : [r.groupId]),
  JoinGroup: (r) => [['read', group(r.groupId)]],
  SyncGroup: (r) => [['read', group(r.groupId)]],
  Heartbeat: (r) => [['read', group(r.groupId)]],
  LeaveGroup: (r) => [['read', group(r.groupId)]],
  DescribeGroups: (r) => on('describe', group, r.groups),
  DeleteGroups: (r) => on('delete', group, r.groupsNames),
  OffsetDelete: (r) => [['delete', group(r.groupId)], ...on('read', topic, names(r.topics))],
  DeleteRecords: (r) => on('delete', topic, names(r.topics)),
  DeleteTopics: (r, v) => on('delete', topic, v >= 6 ? names(r.topics) : r.topicNames),
  CreatePartitions: (r) => on('alter', topic, names(r.topics)),
  DescribeConfigs: (r) => (r.resources as { resourceType: number; resourceName: string }[]).map((x) => ['describe', configResource(x)]),
  AlterConfigs: (r) => (r.resources as { resourceType: number; resourceName: string }[]).map((x) => ['alter', configResource(x)]),
  IncrementalAlterConfigs: (r) => (r.resources as { resourceType: number; resourceName: string }[]).map((x) => ['alter', configResource(x)]),
  DescribeCluster: () => [['describe', CLUSTER]],
  DescribeProducers: (r) => on('read', topic, names(r.topics)),
};

const CODE = { topic: KafkaError.TOPIC_AUTHORIZATION_FAILED, group: KafkaError.GROUP_AUTHORIZATION_FAILED, cluster: KafkaError.CLUSTER_AUTHORIZATION_FAILED } as const;

/**
 * The error code to answer a request with when its principal lacks a right it needs (the whole request is
 * answered with it, through the API's errorResponse), else null. CreateTopics needs create on the cluster or
 * on each topic. Metadata and Produce need no create right to be answered: whether they may create a missing
 * topic is asked per topic, by mayCreateTopic.
 */
export function authorizeKafkaRequest(api: string, request: Req, version: number, authorizer: AclAuthorizer, principal: string | null): number | null {
  if (!authorizer.enabled) return null;
  const ok = (op: Operation, r: Resource): boolean => authorizer.allowed(principal, op, r);
  if (api === 'CreateTopics') {
    if (ok('create', CLUSTER)) return null;
    return names(request.topics).every((n) => ok('create', topic(n))) ? null : CODE.topic;
  }
  for (const [op, resource] of NEEDS[api]?.(request, version) ?? []) if (!ok(op, resource)) return CODE[resource.type];
  return null;
}

/**
 * Whether a request may create the topic `name` when it is missing (Metadata's auto-creation, a Produce to a new
 * topic): as in Kafka, create on the cluster or on that topic (literal or prefixed). Without ACLs, always.
 */
export function mayCreateTopic(authorizer: AclAuthorizer, principal: string | null, name: string): boolean {
  if (!authorizer.enabled) return true;
  return authorizer.allowed(principal, 'create', CLUSTER) || authorizer.allowed(principal, 'create', topic(name));
}

/**
 * Narrows what a principal sees: Metadata for all topics lists only those it may describe, and a topic it named
 * but may not describe comes back as TOPIC_AUTHORIZATION_FAILED; ListGroups lists only describable groups.
 */
export function narrowKafkaResponse(api: string, response: Req, authorizer: AclAuthorizer, principal: string | null, allTopics: boolean): void {
  if (!authorizer.enabled) return;
  const ok = (r: Resource): boolean => authorizer.allowed(principal, 'describe', r);
  if (api === 'Metadata') {
    const topics = response.topics as { name: string | null; errorCode: number; partitions: unknown[] }[];
    response.topics = allTopics
      ? topics.filter((t) => t.name !== null && ok(topic(t.name)))
      : topics.map((t) => (t.name === null || ok(topic(t.name)) ? t : { ...t, errorCode: CODE.topic, partitions: [] }));
  } else if (api === 'ListGroups') {
    response.groups = (response.groups as { groupId: string }[]).filter((g) => ok(group(g.groupId)));
  }
}
