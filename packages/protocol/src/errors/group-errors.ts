import type { ErrorInfo } from '@klog/log-core';

/** Codes of the consumer-group protocol (named after Kafka's where Kafka has one); the coordinator raises them. */
export type GroupErrorCode =
  | 'INVALID_GROUP_ID'
  | 'GROUP_ID_NOT_FOUND'
  | 'UNKNOWN_MEMBER_ID'
  | 'ILLEGAL_GENERATION'
  | 'REBALANCE_IN_PROGRESS'
  | 'INCONSISTENT_GROUP_PROTOCOL'
  | 'INVALID_SESSION_TIMEOUT'
  | 'NON_EMPTY_GROUP'
  | 'MEMBER_ID_REQUIRED'
  | 'FENCED_INSTANCE_ID'
  | 'GROUP_SUBSCRIBED_TO_TOPIC'
  | 'PARTITION_NOT_ASSIGNED'
  | 'INVALID_COMMIT_OFFSET'
  | 'INVALID_SUBSCRIPTION'
  | 'COORDINATOR_NOT_AVAILABLE';

const fail = (kafkaCode: number, hint: string): ErrorInfo => ({ retriable: false, refreshMetadata: false, rejoin: false, kafkaCode, hint });
/**
 * The member's place in the group is gone or stale: it joins again (as Kafka's consumers do). Only a rebalance
 * is also retriable: the same join sent again can succeed, a request of a stale generation cannot.
 */
const rejoin = (kafkaCode: number, hint: string, retriable = false): ErrorInfo => ({ retriable, refreshMetadata: false, rejoin: true, kafkaCode, hint });

/** The group codes. Kafka numbers from Kafka's protocol error list. */
export const GROUP_ERRORS = {
  INVALID_GROUP_ID: fail(24, 'use a group id of 1-255 characters'),
  GROUP_ID_NOT_FOUND: fail(69, 'list groups with: klog group list'),
  UNKNOWN_MEMBER_ID: rejoin(25, 'the coordinator dropped this member (session timeout?): it rejoins without a member id'),
  ILLEGAL_GENERATION: rejoin(22, 'the group moved to a newer generation: the member rejoins'),
  REBALANCE_IN_PROGRESS: rejoin(27, 'the group is rebalancing: the member rejoins', true),
  INCONSISTENT_GROUP_PROTOCOL: fail(23, 'every member of a group must use the same protocol type and share an assignor'),
  INVALID_SESSION_TIMEOUT: fail(26, 'use a session timeout within the broker\'s limits and a non-negative rebalance timeout'),
  NON_EMPTY_GROUP: fail(68, 'stop the group\'s consumers first; see them with: klog group describe <group>'),
  // Kafka-protocol joins only (JoinGroup v4+): the coordinator hands out the member id, the member joins again with it.
  MEMBER_ID_REQUIRED: fail(79, 'join again with the member id the coordinator just gave'),
  FENCED_INSTANCE_ID: fail(82, 'another consumer joined with the same group.instance.id; give each consumer its own'),
  GROUP_SUBSCRIBED_TO_TOPIC: fail(86, 'a member of the group still consumes the topic; stop it or delete the group\'s offsets once it is empty'),
  PARTITION_NOT_ASSIGNED: fail(-1, 'commit only the partitions assigned to this member in its current generation'),
  INVALID_COMMIT_OFFSET: fail(12, 'commit a non-negative integer offset with metadata of at most 4 KiB'),
  INVALID_SUBSCRIPTION: fail(-1, 'subscribe with { topics: [names...] } or { pattern: "regex" }'),
  // The group is being loaded, deleted or the coordinator restarts: it will be back.
  COORDINATOR_NOT_AVAILABLE: { retriable: true, refreshMetadata: false, rejoin: false, kafkaCode: 15, hint: 'wait for the broker\'s group coordinator, then try again' },
} as const satisfies Record<GroupErrorCode, ErrorInfo>;
