import { KlogError } from '@klog/log-core';
import { groupResource } from '../../security/acl.js';
import { summarizeQueue, summarizeQueues } from '../../services/queue-summary.js';
import { readJsonBody } from '../json-body.js';
import { sendJson } from '../respond.js';
import type { Route } from '../route.js';

/** GET /api/v1/queues: every queue the principal may describe (a queue's ACLs are its group's), with its members and counts summed over its partitions. */
export const queuesRoute: Route = {
  method: 'GET',
  path: /^\/api\/v1\/queues$/,
  authorize: () => undefined, // narrowed below
  async handle({ res, services: { queues }, access }) {
    const list = (await summarizeQueues(queues)).filter((q) => access.allowed('describe', groupResource(q.name))).map((q) => ({
      name: q.name, topics: q.config.topics, members: q.members,
      ready: q.ready, delayed: q.delayed, inFlight: q.inFlight, dead: q.dead, oldestReadyAgeMs: q.oldestReadyAgeMs,
    }));
    sendJson(res, 200, { queues: list });
  },
};

/** GET /api/v1/queues/:name: settings, the members with how long each has been idle, and each partition's counts. */
export const queueRoute: Route = {
  method: 'GET',
  path: /^\/api\/v1\/queues\/([^/]+)$/,
  authorize: ({ access, params: [name] }) => access.check('describe', groupResource(name)),
  async handle({ res, params: [name], services: { queues } }) {
    const q = await summarizeQueue(queues, name); // UNKNOWN_QUEUE: 404
    const partitions = q.partitions.map((p) => ({
      topic: p.topic, partition: p.partition, ready: p.ready, delayed: p.delayed, inFlight: p.inFlight,
      archived: p.archived, oldestReadyAgeMs: p.oldestReadyAgeMs,
    }));
    sendJson(res, 200, { name, config: q.config, members: queues.membersOf(name), partitions });
  },
};

/** POST /api/v1/queues/:name/redrive { max? }: moves up to max of the queue's dead letters back to their topics. */
export const redriveRoute: Route = {
  method: 'POST',
  path: /^\/api\/v1\/queues\/([^/]+)\/redrive$/,
  // As the native redriveQueue: read on the queue.
  authorize: ({ access, params: [name] }) => access.check('read', groupResource(name)),
  async handle({ req, res, params: [name], services: { queues }, logger, access }) {
    const body = await readJsonBody(req);
    const max = body.max;
    if (max !== undefined && max !== null && (!Number.isSafeInteger(max) || (max as number) < 0)) {
      throw new KlogError('INVALID_REQUEST', `max must be a whole number or absent, got ${JSON.stringify(max)}`);
    }
    const { moved } = await queues.manager.redrive(name, { max: typeof max === 'number' ? max : undefined });
    logger.info({ queue: name, moved, by: access.principal }, 'console re-drove dead letters');
    sendJson(res, 200, { moved });
  },
};
