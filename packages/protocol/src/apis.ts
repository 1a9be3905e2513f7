/**
 * The native protocol's APIs and the versions this broker implements. A request names `api` and `version`;
 * anything else is answered with UNKNOWN_API / UNSUPPORTED_VERSION. Clients call apiVersions to find out.
 */
export const API_VERSIONS = {
  apiVersions: { min: 0, max: 0 },
  metadata: { min: 0, max: 0 },
  createTopics: { min: 0, max: 0 },
  deleteTopics: { min: 0, max: 0 },
  listOffsets: { min: 0, max: 0 },
  produce: { min: 0, max: 0 },
  fetch: { min: 0, max: 0 },
  initProducerId: { min: 0, max: 0 },
  joinGroup: { min: 0, max: 0 },
  syncGroup: { min: 0, max: 0 },
  heartbeat: { min: 0, max: 0 },
  leaveGroup: { min: 0, max: 0 },
  offsetCommit: { min: 0, max: 0 },
  offsetFetch: { min: 0, max: 0 },
  listGroups: { min: 0, max: 0 },
  describeGroup: { min: 0, max: 0 },
  resetOffsets: { min: 0, max: 0 },
  deleteGroup: { min: 0, max: 0 },
} as const;

export type ApiName = keyof typeof API_VERSIONS;

export const PROTOCOL_NAME = 'klog';

/** listOffsets "timestamps" with special meanings, as in Kafka. */
export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;

/** Produce acks: 0 = no answer, 1 = written by the broker, -1 ('all') = flushed to disk before the answer. */
export type Acks = 0 | 1 | -1;
