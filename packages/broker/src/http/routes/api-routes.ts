import type { Route } from '../route.js';
import { groupRoute, groupsRoute, resetOffsetsRoute } from './group-routes.js';
import { browseRoute, produceRoute } from './message-routes.js';
import { overviewRoute } from './overview-route.js';
import { queueRoute, queuesRoute, redriveRoute } from './queue-routes.js';
import { eventsRoute, tailRoute } from './stream-routes.js';
import { loginRoute, logoutRoute, sessionRoute } from './session-routes.js';
import { topicRoute, topicsRoute } from './topic-routes.js';

/** Every route of the JSON API under /api/v1 (docs/operations.md lists them). */
export const API_ROUTES: readonly Route[] = [
  sessionRoute,
  loginRoute,
  logoutRoute,
  overviewRoute,
  topicsRoute,
  topicRoute,
  browseRoute,
  produceRoute,
  tailRoute,
  groupsRoute,
  groupRoute,
  resetOffsetsRoute,
  queuesRoute,
  queueRoute,
  redriveRoute,
  eventsRoute,
];
