import type { ResetTarget } from '@klog/consumer-group';
import { KlogError } from '@klog/log-core';
import { groupResource, topicResource } from '../../security/acl.js';
import { describeGroups } from '../../services/describe-groups.js';
import { groupLag } from '../../services/group-lag.js';
import { readJsonBody } from '../json-body.js';
import { sendJson } from '../respond.js';
import type { Route } from '../route.js';

/** GET /api/v1/groups: every group the principal may describe, with its state, member count and total lag. */
export const groupsRoute: Route = {
  method: 'GET',
  path: /^\/api\/v1\/groups$/,
  authorize: () => undefined, // narrowed below
  async handle({ res, services: { coordinator }, access }) {
    const groups = (await describeGroups(coordinator)).filter((d) => access.allowed('describe', groupResource(d.groupId))).map((d) => ({ groupId: d.groupId, state: d.state, members: d.members.length, lagSum: groupLag(d).sum }));
    sendJson(res, 200, { groups });
  },
};

/**
 * GET /api/v1/groups/:id: members with what they own, and per partition the committed offset, the log end and
 * the lag. Ownership comes from the coordinator's view of partitions, which covers native groups and the
 * decodable assignments of Kafka consumer groups alike.
 */
export const groupRoute: Route = {
  method: 'GET',
  path: /^\/api\/v1\/groups\/([^/]+)$/,
  authorize: ({ access, params: [groupId] }) => access.check('describe', groupResource(groupId)),
  async handle({ res, params: [groupId], services: { coordinator } }) {
    const d = await coordinator.describeGroup(groupId);
    const members = d.members.map((m) => {
      const byTopic = new Map<string, number[]>();
      for (const p of d.partitions) {
        if (p.memberId !== m.memberId) continue;
        byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
      }
      return {
        memberId: m.memberId,
        clientId: m.clientId,
        host: m.clientHost,
        assignments: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      };
    });
    const offsets = d.partitions.map((p) => ({
      topic: p.topic, partition: p.partition, committed: p.committedOffset, logEndOffset: p.logEndOffset, lag: p.lag,
    }));
    sendJson(res, 200, { groupId: d.groupId, state: d.state, protocolType: d.protocolType, members, offsets });
  },
};

/**
 * POST /api/v1/groups/:id/reset-offsets: moves the group's committed offsets on every partition of a topic, or
 * with dryRun only says where they would go. Refused (409 NON_EMPTY_GROUP) while the group has members, dry run
 * included: a preview of a change that cannot be made would mislead.
 */
export const resetOffsetsRoute: Route = {
  method: 'POST',
  path: /^\/api\/v1\/groups\/([^/]+)\/reset-offsets$/,
  // A reset is a commit made by an operator: read on the group, and (below, once the body names it) on the topic.
  authorize: ({ access, params: [groupId] }) => access.check('read', groupResource(groupId)),
  async handle({ req, res, params: [groupId], services: { coordinator, store }, logger, access }) {
    const body = await readJsonBody(req);
    const topic = body.topic;
    if (typeof topic !== 'string') throw new KlogError('INVALID_REQUEST', 'topic must be the name of a topic');
    access.check('read', topicResource(topic));
    const to = resetTarget(body.to);
    if (body.dryRun !== undefined && typeof body.dryRun !== 'boolean') throw new KlogError('INVALID_REQUEST', 'dryRun must be true or false');
    const dryRun = body.dryRun === true;
    const partitions = Array.from({ length: store.partitionCount(topic) }, (_, p) => p); // UNKNOWN_TOPIC: 404
    const before = await coordinator.fetchOffsets(groupId, partitions.map((partition) => ({ topic, partition })));
    const after = await coordinator.resetOffsets(groupId, topic, to, partitions, { dryRun });
    const offsets = after.map((a, i) => ({ topic, partition: a.partition, from: before[i].offset < 0 ? null : before[i].offset, to: a.offset }));
    if (!dryRun) logger.info({ groupId, topic, to, partitions: offsets.length, by: access.principal }, 'console reset group offsets');
    sendJson(res, 200, { offsets });
  },
};

function resetTarget(v: unknown): ResetTarget {
  if (v === 'earliest' || v === 'latest') return v;
  if (typeof v === 'object' && v !== null) {
    const o = v as { offset?: unknown; timestamp?: unknown };
    if (Number.isSafeInteger(o.offset) && (o.offset as number) >= 0) return { offset: o.offset as number };
    if (Number.isSafeInteger(o.timestamp) && (o.timestamp as number) >= 0) return { timestamp: o.timestamp as number };
  }
  throw new KlogError('INVALID_REQUEST', `to must be 'earliest', 'latest', { "offset": N } or { "timestamp": ms }, got ${JSON.stringify(v)}`);
}
