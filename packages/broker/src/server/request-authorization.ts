import type { ApiName, RequestOf, ResponseOf } from '@klog/protocol';
import { CLUSTER, groupResource as group, topicResource as topic, type Resource } from '../security/acl.js';
import type { Gate, Operation } from '../security/acl-authorizer.js';
import type { BrokerContext } from './broker-context.js';

/**
 * Each native API's rule, after Kafka's mapping of APIs to (operation, resource). A rule checks the request and
 * may return it narrowed (a listing to what the principal may describe). Queues are resources of type group
 * named after the queue: a queue is a shared consumer group, so reading from it needs read on it and on its topics.
 * tsc requires a rule for every API, so a new one cannot be left open by omission.
 */
type Rule<A extends ApiName> = (req: RequestOf<A>, gate: Gate, ctx: BrokerContext) => RequestOf<A> | void;

const none = (): void => undefined;
const each = (operation: Operation, of: (name: string) => Resource) => (names: Iterable<string>, gate: Gate): void => {
  for (const name of new Set(names)) gate.check(operation, of(name));
};
const readTopics = each('read', topic);
const queueTopics = (ctx: BrokerContext, queue: string): string[] => (ctx.queues.manager.list().includes(queue) ? ctx.queues.manager.config(queue).topics : []);

const RULES: { [A in ApiName]: Rule<A> } = {
  apiVersions: none,
  saslHandshake: none,
  saslAuthenticate: none,
  // Kafka lets any principal have a producer id for idempotence; what it may write is checked at produce.
  initProducerId: none,
  metadata: (req, gate, ctx) => {
    if (req.topics === undefined) return { ...req, topics: ctx.store.listTopics().filter((t) => gate.allowed('describe', topic(t))) };
    for (const t of req.topics) {
      gate.check('describe', topic(t));
      if (req.allowAutoCreate && !ctx.store.hasTopic(t)) createTopic(t, gate);
    }
  },
  createTopics: (req, gate) => req.topics.forEach((t) => createTopic(t.name, gate)),
  deleteTopics: (req, gate) => each('delete', topic)(req.topics, gate),
  alterTopicConfigs: (req, gate) => each('alter', topic)(req.topics.map((t) => t.name), gate),
  compactTopic: (req, gate) => each('alter', topic)(req.topics, gate),
  createPartitions: (req, gate) => each('alter', topic)(req.topics.map((t) => t.name), gate),
  deleteRecords: (req, gate) => each('delete', topic)(req.partitions.map((p) => p.topic), gate),
  listOffsets: (req, gate) => each('describe', topic)(req.topics.map((t) => t.topic), gate),
  produce: (req, gate, ctx) => {
    for (const t of new Set(req.topics.map((x) => x.topic))) {
      gate.check('write', topic(t));
      // Writing to a topic that does not exist yet creates it (when the broker auto-creates): that needs create too.
      if (!ctx.store.hasTopic(t) && ctx.config.autoCreateTopics) createTopic(t, gate);
    }
  },
  fetch: (req, gate) => readTopics(req.topics.map((t) => t.topic), gate),
  joinGroup: (req, gate) => gate.check('read', group(req.groupId)),
  syncGroup: (req, gate) => gate.check('read', group(req.groupId)),
  heartbeat: (req, gate) => gate.check('read', group(req.groupId)),
  leaveGroup: (req, gate) => gate.check('read', group(req.groupId)),
  offsetCommit: (req, gate) => {
    gate.check('read', group(req.groupId));
    readTopics(req.offsets.map((o) => o.topic), gate);
  },
  offsetFetch: (req, gate) => gate.check('describe', group(req.groupId)),
  listGroups: none, // answered, then narrowed: see filterResponse
  describeGroup: (req, gate) => gate.check('describe', group(req.groupId)),
  // A reset is a commit made by an operator: the same rights as offsetCommit.
  resetOffsets: (req, gate) => {
    gate.check('read', group(req.groupId));
    gate.check('read', topic(req.topic));
  },
  deleteGroup: (req, gate) => gate.check('delete', group(req.groupId)),
  createQueue: (req, gate) => {
    gate.check('create', group(req.name));
    readTopics(req.topics, gate);
    if (req.deadLetterTopic !== undefined) gate.check('write', topic(req.deadLetterTopic));
  },
  shareFetch: (req, gate, ctx) => {
    gate.check('read', group(req.queue));
    readTopics(queueTopics(ctx, req.queue), gate);
  },
  shareAcknowledge: (req, gate) => gate.check('read', group(req.queue)),
  leaveQueue: (req, gate) => gate.check('read', group(req.queue)),
  listQueues: none, // answered, then narrowed: see filterResponse
  describeQueue: (req, gate) => gate.check('describe', group(req.queue)),
  redriveQueue: (req, gate) => gate.check('read', group(req.queue)),
  resetQueue: (req, gate) => gate.check('read', group(req.queue)),
  deleteQueue: (req, gate) => gate.check('delete', group(req.queue)),
  userAdd: (_req, gate) => gate.check('alter', CLUSTER),
  userRemove: (_req, gate) => gate.check('alter', CLUSTER),
  userList: (_req, gate) => gate.check('describe', CLUSTER),
  aclAdd: (_req, gate) => gate.check('alter', CLUSTER),
  aclRemove: (_req, gate) => gate.check('alter', CLUSTER),
  aclList: (_req, gate) => gate.check('describe', CLUSTER),
};

/** Kafka: creating a topic needs create on the cluster, or on the topic itself. */
function createTopic(name: string, gate: Gate): void {
  if (!gate.allowed('create', CLUSTER)) gate.check('create', topic(name));
}

/** Checks a decoded request against the ACLs; returns the request to run (narrowed where a listing is). */
export function authorizeRequest<A extends ApiName>(api: A, req: RequestOf<A>, ctx: BrokerContext, principal: string | null): RequestOf<A> {
  const { authorizer } = ctx.security;
  if (!authorizer.enabled) return req;
  return (RULES[api] as Rule<A>)(req, authorizer.gate(principal), ctx) ?? req;
}

/** Narrows the listings a principal sees to the groups and queues it may describe. */
export function filterResponse<A extends ApiName>(api: A, res: ResponseOf<A>, ctx: BrokerContext, principal: string | null): ResponseOf<A> {
  const { authorizer } = ctx.security;
  if (!authorizer.enabled) return res;
  const describable = (name: string): boolean => authorizer.allowed(principal, 'describe', group(name));
  if (api === 'listGroups') {
    const r = res as ResponseOf<'listGroups'>;
    return { ...r, groups: r.groups.filter((g) => describable(g.groupId)) } as ResponseOf<A>;
  }
  if (api === 'listQueues') {
    const r = res as ResponseOf<'listQueues'>;
    return { ...r, queues: r.queues.filter((q) => describable(q.name)) } as ResponseOf<A>;
  }
  return res;
}
