import { resolveTopicConfig } from '@klog/log-core';
import { topicResource } from '../../security/acl.js';
import { isInternalTopic } from '../../services/internal-topics.js';
import { sendJson } from '../respond.js';
import type { Route } from '../route.js';

/** GET /api/v1/topics: every topic the principal may describe, with its size; records is the sum over partitions of end − start. */
export const topicsRoute: Route = {
  method: 'GET',
  path: /^\/api\/v1\/topics$/,
  authorize: () => undefined, // narrowed below
  async handle({ res, services: { store }, access }) {
    const topics = store.listTopics().filter((t) => access.allowed('describe', topicResource(t))).map((name) => {
      const d = store.describeTopic(name);
      return {
        name,
        partitions: d.partitions.length,
        records: d.partitions.reduce((sum, p) => sum + (p.logEndOffset - p.logStartOffset), 0),
        sizeBytes: d.partitions.reduce((sum, p) => sum + p.sizeBytes, 0),
        retentionMs: d.config.retentionMs,
        internal: isInternalTopic(name),
      };
    });
    sendJson(res, 200, { topics });
  },
};

/** GET /api/v1/topics/:name: settings (and the broker's defaults beside them) and each partition. */
export const topicRoute: Route = {
  method: 'GET',
  path: /^\/api\/v1\/topics\/([^/]+)$/,
  authorize: ({ access, params: [name] }) => access.check('describe', topicResource(name)),
  async handle({ res, params: [name], services: s }) {
    const d = s.store.describeTopic(name); // UNKNOWN_TOPIC: 404
    sendJson(res, 200, { name, config: d.config, defaults: resolveTopicConfig({}, s.topicDefaults), partitions: d.partitions });
  },
};
