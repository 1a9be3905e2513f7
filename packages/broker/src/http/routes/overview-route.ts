import { CLUSTER } from '../../security/acl.js';
import { diskSpace } from '../../services/disk-space.js';
import { sendJson } from '../respond.js';
import type { Route } from '../route.js';

/** GET /api/v1/overview: the broker at a glance (its directory, disk and listeners: describe on the cluster). */
export const overviewRoute: Route = {
  method: 'GET',
  path: /^\/api\/v1\/overview$/,
  authorize: ({ access }) => access.check('describe', CLUSTER),
  async handle({ res, services: s, http }) {
    sendJson(res, 200, {
      version: s.version,
      startedAt: s.startedAt,
      uptimeMs: Date.now() - s.startedAt,
      dataDir: s.dataDir,
      disk: await diskSpace(s.dataDir),
      listeners: { native: s.listeners.native, kafka: s.listeners.kafka, http: { host: http.host, port: http.port } },
      connections: s.connections(),
      topics: s.store.listTopics().length,
      groups: s.coordinator.listGroups().length,
      readOnly: http.readOnly,
    });
  },
};
