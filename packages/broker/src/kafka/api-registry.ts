import { API_VERSIONS_KEY, apiVersionsApi } from './apis/api-versions.js';
import { alterConfigsApi } from './apis/alter-configs.js';
import { createPartitionsApi } from './apis/create-partitions.js';
import { createTopicsApi } from './apis/create-topics.js';
import { deleteTopicsApi } from './apis/delete-topics.js';
import { deleteRecordsApi } from './apis/delete-records.js';
import { describeClusterApi } from './apis/describe-cluster.js';
import { describeConfigsApi } from './apis/describe-configs.js';
import { describeProducersApi } from './apis/describe-producers.js';
import { fetchApi } from './apis/fetch.js';
import { findCoordinatorApi } from './apis/find-coordinator.js';
import { deleteGroupsApi } from './apis/delete-groups.js';
import { describeGroupsApi } from './apis/describe-groups.js';
import { heartbeatApi } from './apis/heartbeat.js';
import { joinGroupApi } from './apis/join-group.js';
import { leaveGroupApi } from './apis/leave-group.js';
import { listGroupsApi } from './apis/list-groups.js';
import { offsetDeleteApi } from './apis/offset-delete.js';
import { syncGroupApi } from './apis/sync-group.js';
import { incrementalAlterConfigsApi } from './apis/incremental-alter-configs.js';
import { initProducerIdApi } from './apis/init-producer-id.js';
import { offsetCommitApi } from './apis/offset-commit.js';
import { offsetFetchApi } from './apis/offset-fetch.js';
import { listOffsetsApi } from './apis/list-offsets.js';
import { metadataApi } from './apis/metadata.js';
import { produceApi } from './apis/produce.js';
import type { RegisteredKafkaApi } from './kafka-api.js';

/**
 * Every Kafka API the listener serves. ApiVersions advertises exactly this list, so a client never picks a
 * version that is not implemented: each range is contiguous and every version in it is encoded field by field from
 * the API's schema (messages/). Two ranges are shaped by clients that do not negotiate each request: Produce starts
 * at 0 (answered UNSUPPORTED_VERSION) because librdkafka 2.0.2 compresses only when it does, and kafka-python 2.0.2
 * guesses the broker's release from the whole table (docs/kafka-listener.md says which it guesses).
 */
export const KAFKA_APIS: readonly RegisteredKafkaApi[] = [
  produceApi,
  fetchApi,
  listOffsetsApi,
  metadataApi,
  offsetCommitApi,
  offsetFetchApi,
  findCoordinatorApi,
  joinGroupApi,
  heartbeatApi,
  leaveGroupApi,
  syncGroupApi,
  describeGroupsApi,
  listGroupsApi,
  apiVersionsApi(() => KAFKA_APIS),
  createTopicsApi,
  deleteRecordsApi,
  describeConfigsApi,
  alterConfigsApi,
  createPartitionsApi,
  incrementalAlterConfigsApi,
  deleteGroupsApi,
  offsetDeleteApi,
  initProducerIdApi,
  deleteTopicsApi,
  describeClusterApi,
  describeProducersApi,
];

const BY_KEY = new Map(KAFKA_APIS.map((api) => [api.key, api]));

/** The API of a key, or null when klog does not serve it at all (the connection checks the version). */
export function findKafkaApi(key: number): RegisteredKafkaApi | null {
  return BY_KEY.get(key) ?? null;
}

export { API_VERSIONS_KEY };
