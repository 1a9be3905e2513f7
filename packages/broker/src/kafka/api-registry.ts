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
import { describeGroupsApi, listGroupsApi } from './apis/group-admin.js';
import { heartbeatApi, joinGroupApi, leaveGroupApi, syncGroupApi } from './apis/group-membership.js';
import { incrementalAlterConfigsApi } from './apis/incremental-alter-configs.js';
import { initProducerIdApi } from './apis/init-producer-id.js';
import { offsetCommitApi, offsetFetchApi } from './apis/group-offsets.js';
import { listOffsetsApi } from './apis/list-offsets.js';
import { metadataApi } from './apis/metadata.js';
import { produceApi } from './apis/produce.js';
import type { RegisteredKafkaApi } from './kafka-api.js';

/**
 * Every Kafka API the listener serves. ApiVersions advertises exactly this list, so a client never picks a
 * version that is not implemented. The ranges follow what kafka-python 2.0.2, librdkafka 2.0.2 and kafkajs
 * 2.2.4 need (all classic encoding; see the Kafka protocol notes; ListGroups must stay below 3, where librdkafka
 * would switch to the flexible encoding): Metadata must include 0, 1 and 4 for
 * kafka-python to use RecordBatch v2, Produce 3 and Fetch 4 for librdkafka to, FindCoordinator 0 for both.
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
