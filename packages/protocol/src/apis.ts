import { alterTopicConfigs } from './apis/alter-topic-configs.js';
import { apiVersions } from './apis/api-versions.js';
import { compactTopic } from './apis/compact-topic.js';
import { createPartitions } from './apis/create-partitions.js';
import { createTopics } from './apis/create-topics.js';
import { deleteGroup } from './apis/delete-group.js';
import { deleteRecords } from './apis/delete-records.js';
import { deleteTopics } from './apis/delete-topics.js';
import { describeGroup } from './apis/describe-group.js';
import { fetch } from './apis/fetch.js';
import { heartbeat } from './apis/heartbeat.js';
import { initProducerId } from './apis/init-producer-id.js';
import { joinGroup } from './apis/join-group.js';
import { leaveGroup } from './apis/leave-group.js';
import { listGroups } from './apis/list-groups.js';
import { listOffsets } from './apis/list-offsets.js';
import { metadata } from './apis/metadata.js';
import { offsetCommit } from './apis/offset-commit.js';
import { offsetFetch } from './apis/offset-fetch.js';
import { produce } from './apis/produce.js';
import { resetOffsets } from './apis/reset-offsets.js';
import { syncGroup } from './apis/sync-group.js';
import { createQueue } from './apis/create-queue.js';
import { shareFetch } from './apis/share-fetch.js';
import { shareAcknowledge } from './apis/share-acknowledge.js';
import { leaveQueue } from './apis/leave-queue.js';
import { listQueues } from './apis/list-queues.js';
import { describeQueue } from './apis/describe-queue.js';
import { redriveQueue } from './apis/redrive-queue.js';
import { resetQueue } from './apis/reset-queue.js';
import { deleteQueue } from './apis/delete-queue.js';
import { saslHandshake } from './apis/sasl-handshake.js';
import { saslAuthenticate } from './apis/sasl-authenticate.js';
import { userAdd } from './apis/user-add.js';
import { userList } from './apis/user-list.js';
import { userRemove } from './apis/user-remove.js';
import { aclAdd } from './apis/acl-add.js';
import { aclList } from './apis/acl-list.js';
import { aclRemove } from './apis/acl-remove.js';
import type { ApiDefinition } from './api-definition.js';
import type { Infer } from './schema.js';

/**
 * Every API of the native protocol, by the name a request carries. Adding an API: copy a module of apis/, give
 * it a name, and list it here; the broker then needs a handler for it (tsc says so), and the docs and golden
 * fixtures are regenerated with KLOG_UPDATE_GOLDEN=1.
 */
export const APIS = {
  apiVersions,
  metadata,
  createTopics,
  deleteTopics,
  alterTopicConfigs,
  compactTopic,
  createPartitions,
  deleteRecords,
  listOffsets,
  produce,
  fetch,
  initProducerId,
  joinGroup,
  syncGroup,
  heartbeat,
  leaveGroup,
  offsetCommit,
  offsetFetch,
  listGroups,
  describeGroup,
  resetOffsets,
  deleteGroup,
  createQueue,
  shareFetch,
  shareAcknowledge,
  leaveQueue,
  listQueues,
  describeQueue,
  redriveQueue,
  resetQueue,
  deleteQueue,
  saslHandshake,
  saslAuthenticate,
  userAdd,
  userList,
  userRemove,
  aclAdd,
  aclList,
  aclRemove,
} as const satisfies { [N in string]: ApiDefinition<N> };

export type ApiName = keyof typeof APIS;
export type RequestOf<A extends ApiName> = Infer<(typeof APIS)[A]['request']>;
export type ResponseOf<A extends ApiName> = Infer<(typeof APIS)[A]['response']>;

export interface VersionRange {
  min: number;
  max: number;
}

/** The versions of each API a peer speaks. */
export type ApiVersionTable = { readonly [A in ApiName]?: VersionRange };

/** What this code implements: every API at every version its module lists. */
export const API_VERSIONS: { readonly [A in ApiName]: VersionRange } = Object.fromEntries(
  Object.values(APIS).map((a) => [a.name, { min: a.minVersion, max: a.maxVersion }]),
) as { [A in ApiName]: VersionRange };

export function isApiName(name: string): name is ApiName {
  return Object.hasOwn(APIS, name);
}
